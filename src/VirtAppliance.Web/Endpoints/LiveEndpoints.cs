using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VirtAppliance.Web.Contracts;
using VirtAppliance.Web.Live;

namespace VirtAppliance.Web.Endpoints;

/// <summary>
/// GET /events: server-sent events for the page (and any client): event <c>vm</c> with a <see cref="LiveEvent"/> as JSON whenever
/// libvirt reports a lifecycle change of one of the store's VMs, <c>watch</c> after each watch pass (health, disks, alerts are new),
/// and a <c>ping</c> every 20 s of quiet so proxies keep the stream open.
/// </summary>
public static class LiveEndpoints
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(20);

    /// <summary>One line of JSON per event (the API's names, not indented).</summary>
    private static readonly JsonSerializerOptions Compact = new(ApiJson.Options) { WriteIndented = false };

    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/events", (HttpContext context, LiveStateService live) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.ServerSentEvents(StreamAsync(live, context.RequestAborted));
            })
            .WithName("events")
            .WithSummary("Live VM lifecycle events (text/event-stream; event 'vm' carries {name, uuid, kind, state})")
            .WithTags("virt-appliance");
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(LiveStateService live, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = live.Subscribe();
        yield return new SseItem<string>("", "ready");
        while (!cancellationToken.IsCancellationRequested)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(Quiet);
            LiveEvent? next = null;
            try
            {
                next = await subscription.Events.ReadAsync(quiet.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Quiet for a while: a ping below.
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return next is null ? new SseItem<string>("", "ping") : new SseItem<string>(JsonSerializer.Serialize(next, Compact), next.Kind == "watch" ? "watch" : "vm");
        }
    }
}
