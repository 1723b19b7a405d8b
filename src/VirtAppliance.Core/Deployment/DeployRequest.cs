using VirtAppliance.Core.Capabilities;

namespace VirtAppliance.Core.Deployment;

/// <summary>What to deploy where.</summary>
/// <param name="Appliance">An installed NAME[@VERSION[-RELEASE]] (the highest version when none is given).</param>
/// <param name="Name">The VM name; with <paramref name="Count"/> above 1, the VMs are NAME-1 … NAME-N.</param>
/// <param name="Network">What the interfaces attach to: user (user-mode networking), network=NAME or bridge=BR.</param>
/// <param name="Set">Site values as NAME=VALUE (they win over <paramref name="ValuesFile"/>).</param>
/// <param name="ValuesFile">A JSON or YAML file of site values.</param>
/// <param name="ReuseKept">User disks and site values an undeploy kept: a folder under ROOT/kept, or the name of the VM they came from (its newest).</param>
/// <param name="Parallel">How many VMs of a --count boot at once; their health checks run together.</param>
/// <param name="Publish">Host ports to forward, podman's <c>[ADDRESS:]HOSTPORT:GUESTPORT[/tcp]</c>; the ports the appliance declares are published on free loopback ports besides.</param>
public sealed record DeployRequest(
    string Appliance,
    string Name,
    string Uri,
    int Count = 1,
    string Network = "user",
    bool Start = true,
    HostMatchOptions? Match = null,
    IReadOnlyList<string>? Publish = null,
    IReadOnlyList<string>? Set = null,
    string? ValuesFile = null,
    int Parallel = 4,
    string? ReuseKept = null);
