using System.Net;
using System.Net.Sockets;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Monitoring;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>Webhooks against a real HTTP listener on 127.0.0.1: retried with backoff on 5xx, not on a refusal, never thrown.</summary>
public sealed class NotifierTests : IDisposable
{
    private static readonly AlertEvent Alert = new("web", "data", "vdb", AlertChange.Fired, AlertLevel.Warning, AlertLevel.Ok, 85, UsageBasis.FileSystem,
        new DiskThreshold(80, 90), new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task A_webhook_that_fails_twice_gets_the_alert_on_the_third_attempt_after_growing_waits()
    {
        // Given
        using var server = new Server(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NoContent);
        var channel = new WebhookChannel(server.Url, new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret" }, Attempts: 5, BackoffSeconds: 0.2) { Name = "hook" };

        // When
        var deliveries = await new Notifier(TimeProvider.System, http).SendAsync([channel], [Alert], TestContext.Current.CancellationToken);

        // Then
        var delivery = deliveries.ShouldHaveSingleItem();
        delivery.Delivered.ShouldBeTrue(delivery.Error);
        delivery.Attempts.ShouldBe(3);
        server.Bodies.Count.ShouldBe(3);
        server.Bodies[2].ShouldContain("\"vm\":\"web\"");
        server.Bodies[2].ShouldContain("\"change\":\"fired\"");
        server.Bodies[2].ShouldContain("\"used_percent\":85");
        server.Authorization.ShouldAllBe(value => value == "Bearer s3cret");
        // 0.2 s, then 0.4 s
        (server.Times[1] - server.Times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(180));
        (server.Times[2] - server.Times[1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(380));
    }

    [Fact]
    public async Task A_refusal_is_not_retried_and_a_dead_channel_does_not_throw()
    {
        // Given
        using var server = new Server(HttpStatusCode.Unauthorized);
        var refused = new WebhookChannel(server.Url, Attempts: 5, BackoffSeconds: 0.01) { Name = "refused" };
        var dead = new WebhookChannel(new Uri($"http://127.0.0.1:{FreePort()}/hook"), Attempts: 2, BackoffSeconds: 0.01) { Name = "dead" };

        // When
        var deliveries = await new Notifier(TimeProvider.System, http).SendAsync([refused, dead], [Alert], TestContext.Current.CancellationToken);

        // Then
        deliveries.Select(delivery => (delivery.Channel, delivery.Delivered, delivery.Attempts)).ShouldBe([("refused", false, 1), ("dead", false, 2)]);
        deliveries[0].Error.ShouldNotBeNull().ShouldContain("401");
        server.Bodies.Count.ShouldBe(1);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Answers each request with the next status of its script (the last one repeats).</summary>
    private sealed class Server : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public Server(params HttpStatusCode[] script)
        {
            var port = FreePort();
            Url = new Uri($"http://127.0.0.1:{port}/hook?token=x");
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            loop = Task.Run(async () =>
            {
                for (var request = 0; listener.IsListening; request++)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await listener.GetContextAsync();
                    }
                    catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }
                    using var reader = new StreamReader(context.Request.InputStream);
                    Bodies.Add(await reader.ReadToEndAsync());
                    Times.Add(TimeProvider.System.GetUtcNow());
                    Authorization.Add(context.Request.Headers["Authorization"]);
                    context.Response.StatusCode = (int)script[Math.Min(request, script.Length - 1)];
                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public List<string> Bodies { get; } = [];

        public List<DateTimeOffset> Times { get; } = [];

        public List<string?> Authorization { get; } = [];

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
            loop.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
