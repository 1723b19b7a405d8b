using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

public sealed class HealthWaiterTests : IDisposable
{
    private readonly string log = Path.Combine(Path.GetTempPath(), $"console-{Guid.NewGuid():N}.log");
    private static readonly HealthCheck Health = new(60, "^app: ready$", null, SourceLocation.None);

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

        var problem = await HealthWaiter.WaitAsync(Health, log, null, () => true, new FakeTimeProvider(), TestContext.Current.CancellationToken);

        problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_check_without_a_console_pattern_or_port_is_refused_instead_of_passing_at_once()
    {
        // Given a health check with nothing to match (an invalid descriptor's) and a running VM
        File.WriteAllText(log, "booting\n");
        var nothing = Health with { ConsolePattern = null };

        // When / Then the waiter refuses it rather than calling the VM healthy
        await Should.ThrowAsync<ArgumentException>(() => HealthWaiter.WaitAsync(nothing, log, null, () => true, new FakeTimeProvider(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_vm_that_stops_without_the_line_is_reported_at_once()
    {
        File.WriteAllText(log, "app: broken\n");

        var problem = await HealthWaiter.WaitAsync(Health, log, null, () => false, new FakeTimeProvider(), TestContext.Current.CancellationToken);

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
        var waiting = HealthWaiter.WaitAsync(Health, log, null, () => true, time, TestContext.Current.CancellationToken);
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
        var waiting = HealthWaiter.WaitAsync(Health, log, null, () => true, time, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(1));
        File.AppendAllText(log, "app: ready\n");
        await DriveAsync(time, waiting);

        (await waiting).ShouldBeNull();
        time.GetUtcNow().ShouldBeLessThan(start.AddSeconds(60));
    }

    [Fact]
    public async Task A_tcp_check_passes_when_the_port_accepts_and_stays_open()
    {
        // Given a server that accepts and waits for its request, as a web server does
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (System.Net.IPEndPoint)listener.LocalEndpoint;
        var accepting = listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken).AsTask();

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { ConsolePattern = null, TcpPort = 80 }, log, endpoint, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);

        // Then
        problem.ShouldBeNull();
        (await accepting).Dispose();
    }

    [Fact]
    public async Task A_tcp_check_fails_when_the_forward_accepts_but_the_guest_closes_at_once()
    {
        // Given what QEMU's user-mode forward does when the guest port is closed: accept, then close
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (System.Net.IPEndPoint)listener.LocalEndpoint;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var closing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                (await listener.AcceptTcpClientAsync(stop.Token)).Dispose();
        }, stop.Token);

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { ConsolePattern = null, TcpPort = 80, TimeoutSeconds = 2 }, log, endpoint, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);
        await stop.CancelAsync();

        // Then
        problem.ShouldBe($"guest port 80 (forwarded from {endpoint}) never accepted a connection within 2 s");
    }

    [Fact]
    public async Task A_check_with_both_needs_the_console_line_and_the_port()
    {
        // Given an open port but no console line yet
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        File.WriteAllText(log, "app: starting\n");

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { TcpPort = 80, TimeoutSeconds = 2 }, log, (System.Net.IPEndPoint)listener.LocalEndpoint, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);

        // Then
        problem.ShouldBe("no console line matched /^app: ready$/ within 2 s");
    }

    [Fact]
    public async Task A_tcp_check_with_no_forward_to_reach_it_is_refused()
    {
        await Should.ThrowAsync<ArgumentException>(() => HealthWaiter.WaitAsync(Health with { TcpPort = 80 }, log, null, () => true,
            new FakeTimeProvider(), TestContext.Current.CancellationToken));
    }
}
