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

    /// <summary>What QEMU's <c>info usernet</c> printed (captured from a tiny VM) with the forward's host port and the state of the probe's connection.</summary>
    private static string UserNet(int hostPort, string? state) =>
        "Hub -1 (vanet0):\n  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\n"
        + (state is null ? "" : $"  TCP[{state}]   31       127.0.0.1 {hostPort}       10.0.2.15    80     0     0\n")
        + $"  TCP[HOST_FORWARD]  16       127.0.0.1 {hostPort}       10.0.2.15    80     0     0\n";

    private static (System.Net.Sockets.TcpListener Listener, System.Net.IPEndPoint Endpoint) Listen()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return (listener, (System.Net.IPEndPoint)listener.LocalEndpoint);
    }

    [Fact]
    public async Task A_tcp_check_passes_when_QEMU_says_the_guest_took_the_connection()
    {
        // Given a forward that accepts (as QEMU does) and a guest that established the connection behind it
        var (listener, endpoint) = Listen();
        using var _ = listener;
        var probe = new TcpProbe(endpoint, 80, () => UserNet(endpoint.Port, "ESTABLISHED"));

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { ConsolePattern = null, TcpPort = 80 }, log, probe, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);

        // Then
        problem.ShouldBeNull();
    }

    [Fact]
    public async Task A_tcp_check_does_not_pass_while_the_guest_has_not_answered_though_the_host_side_is_open()
    {
        // Given QEMU holding the host connection while the booting guest has not answered (SYN_SENT)
        var (listener, endpoint) = Listen();
        using var _ = listener;
        var probe = new TcpProbe(endpoint, 80, () => UserNet(endpoint.Port, "SYN_SENT"));

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { ConsolePattern = null, TcpPort = 80, TimeoutSeconds = 2 }, log, probe, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);

        // Then
        problem.ShouldBe($"guest port 80 (forwarded from {endpoint}) never accepted a connection within 2 s");
    }

    [Fact]
    public async Task A_tcp_check_fails_when_the_forward_accepts_but_the_guest_refuses()
    {
        // Given what QEMU does when the guest port is closed: accept, then close
        var (listener, endpoint) = Listen();
        using var _ = listener;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var closing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                (await listener.AcceptTcpClientAsync(stop.Token)).Dispose();
        }, stop.Token);
        var probe = new TcpProbe(endpoint, 80, () => UserNet(endpoint.Port, null));

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { ConsolePattern = null, TcpPort = 80, TimeoutSeconds = 2 }, log, probe, () => true,
            TimeProvider.System, TestContext.Current.CancellationToken);
        await stop.CancelAsync();

        // Then
        problem.ShouldBe($"guest port 80 (forwarded from {endpoint}) never accepted a connection within 2 s");
    }

    [Fact]
    public async Task A_check_with_both_needs_the_console_line_and_the_port()
    {
        // Given an established port but no console line yet
        var (listener, endpoint) = Listen();
        using var _ = listener;
        File.WriteAllText(log, "app: starting\n");

        // When
        var problem = await HealthWaiter.WaitAsync(Health with { TcpPort = 80, TimeoutSeconds = 2 }, log,
            new TcpProbe(endpoint, 80, () => UserNet(endpoint.Port, "ESTABLISHED")), () => true, TimeProvider.System, TestContext.Current.CancellationToken);

        // Then
        problem.ShouldBe("no console line matched /^app: ready$/ within 2 s");
    }

    [Fact]
    public async Task A_tcp_check_with_no_forward_to_reach_it_is_refused()
    {
        await Should.ThrowAsync<ArgumentException>(() => HealthWaiter.WaitAsync(Health with { TcpPort = 80 }, log, null, () => true,
            new FakeTimeProvider(), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("ESTABLISHED", 32835, 80, true)]
    [InlineData("SYN_SENT", 32835, 80, false)]
    [InlineData("ESTABLISHED", 40000, 80, false)]
    [InlineData("ESTABLISHED", 32835, 22, false)]
    public void QEMUs_usernet_table_is_read_for_the_forward_and_guest_port(string state, int hostPort, int guestPort, bool established) =>
        TcpProbe.IsEstablished(UserNet(32835, state), hostPort, guestPort).ShouldBe(established);
}
