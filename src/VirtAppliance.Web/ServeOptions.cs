namespace VirtAppliance.Web;

/// <summary>What <c>virt-appliance serve</c> was told.</summary>
/// <param name="Listen">ADDRESS:PORT (port 0: a free one); see <see cref="ListenAddress"/>.</param>
/// <param name="Token">The bearer token every request must carry; required unless <paramref name="Listen"/> is a loopback address.</param>
/// <param name="Uri">The libvirt URI new VMs are deployed on and whose lifecycle events feed the page.</param>
public sealed record ServeOptions(string Listen, string? Token, string Uri)
{
    /// <summary>The address when none is given: loopback only.</summary>
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary>How often the watch pass runs (status, thresholds, alerts, notifications, the gauges of /metrics).</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(60);
}
