using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

public sealed class HealthWaiterTests : IDisposable
{
    private readonly string log = Path.Combine(Path.GetTempPath(), $"console-{Guid.NewGuid():N}.log");
    private static readonly HealthCheck Health = new(60, "^app: ready$", SourceLocation.None);

    public void Dispose() => File.Delete(log);

    /// <summary>Moves the fake clock in the waiter's polling steps until it finishes (bounded in real time).</summary>
    private static async Task DriveAsync(FakeTimeProvider time, Task waiting)
    {
        var real = System.Diagnostics.Stopwatch.StartNew();
        while (!waiting.IsCompleted && real.Elapsed < TimeSpan.FromSeconds(20))
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
        waiting.IsCompleted.ShouldBeTrue("the waiter did not finish");
    }

    [Fact]
    public async Task A_matching_console_line_written_with_carriage_returns_is_healthy()
    {
        File.WriteAllText(log, "booting\r\napp: ready\r\n");

        var problem = await HealthWaiter.WaitAsync(Health, log, () => true, new FakeTimeProvider(), TestContext.Current.CancellationToken);

        problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_check_without_a_console_pattern_is_refused_instead_of_passing_at_once()
    {
        // Given a health check with nothing to match (an invalid descriptor's) and a running VM
        File.WriteAllText(log, "booting\n");
        var nothing = Health with { ConsolePattern = null };

        // When / Then the waiter refuses it rather than calling the VM healthy
        await Should.ThrowAsync<ArgumentException>(() => HealthWaiter.WaitAsync(nothing, log, () => true, new FakeTimeProvider(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_vm_that_stops_without_the_line_is_reported_at_once()
    {
        File.WriteAllText(log, "app: broken\n");

        var problem = await HealthWaiter.WaitAsync(Health, log, () => false, new FakeTimeProvider(), TestContext.Current.CancellationToken);

        problem.ShouldBe("the VM stopped before it became healthy");
    }

    [Fact]
    public async Task A_line_that_never_comes_times_out_after_the_declared_seconds_and_says_what_it_waited_for()
    {
        // Given a running VM whose console never says it is ready, and a clock the test drives
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        File.WriteAllText(log, "app: starting\n");

        // When the clock passes the timeout
        var waiting = HealthWaiter.WaitAsync(Health, log, () => true, time, TestContext.Current.CancellationToken);
        await DriveAsync(time, waiting);

        // Then it gives up, naming the pattern and the timeout, no earlier than the timeout
        (await waiting).ShouldBe("no console line matched /^app: ready$/ within 60 s");
        (time.GetUtcNow() - start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_line_that_appears_later_is_found()
    {
        var time = new FakeTimeProvider();
        File.WriteAllText(log, "");

        var start = time.GetUtcNow();
        var waiting = HealthWaiter.WaitAsync(Health, log, () => true, time, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(1));
        File.AppendAllText(log, "app: ready\n");
        await DriveAsync(time, waiting);

        (await waiting).ShouldBeNull();
        time.GetUtcNow().ShouldBeLessThan(start.AddSeconds(60));
    }
}
