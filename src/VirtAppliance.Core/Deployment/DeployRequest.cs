using VirtAppliance.Core.Capabilities;

namespace VirtAppliance.Core.Deployment;

/// <summary>What to deploy where.</summary>
/// <param name="Appliance">An installed NAME[@VERSION[-RELEASE]] (the highest version when none is given).</param>
/// <param name="Name">The VM name; with <paramref name="Count"/> above 1, the VMs are NAME-1 … NAME-N.</param>
public sealed record DeployRequest(
    string Appliance,
    string Name,
    string Uri,
    int Count = 1,
    string Network = "default",
    bool Start = true,
    HostMatchOptions? Match = null);
