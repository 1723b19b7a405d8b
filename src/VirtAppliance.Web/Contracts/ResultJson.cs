using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Web.Contracts;

/// <summary><c>install --json</c>.</summary>
public sealed record InstallJson(InstalledAppliance Installed, bool AlreadyInstalled);

/// <summary><c>remove --json</c>.</summary>
public sealed record RemoveJson(InstalledAppliance Removed);

/// <summary><c>undeploy --json</c> for one VM: the user disks and config disk kept under ROOT/kept (none with --delete-data).</summary>
public sealed record UndeployJson(string Undeployed, IReadOnlyList<string> KeptUserDisks, string? KeptConfigDisk)
{
    public static UndeployJson From(UndeployResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new UndeployJson(result.Vm, result.UserDisks, result.ConfigDisk);
    }
}

/// <summary><c>verify --json</c> of an installed appliance: every file checked against the manifest it was installed from.</summary>
public sealed record InstalledCheckJson(string Appliance, string Path, bool Intact, string Digest, int Files);

/// <summary><c>check --json</c>: does the appliance fit this host, and why not.</summary>
public sealed record CheckJson(string Appliance, bool Fits, HostChoice? Chosen, IReadOnlyList<CheckBootJson> Boots, IReadOnlyList<string> Unmet)
{
    public static CheckJson From(HostCheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new CheckJson(report.Appliance, report.Fits, report.Chosen,
            [.. report.Boots.Select(boot => new CheckBootJson(boot.Index, boot.Type, boot.Arch, boot.Fits,
                [.. boot.Requirements.Select(requirement => new CheckRequirementJson(requirement.Requirement, requirement.Wanted, requirement.HostHas,
                    requirement.Status, requirement.Reason))]))],
            report.Unmet);
    }
}

public sealed record CheckBootJson(int Index, BootType Type, string Arch, bool Fits, IReadOnlyList<CheckRequirementJson> Requirements);

public sealed record CheckRequirementJson(string Requirement, string Wanted, string HostHas, RequirementStatus Status, string? Reason);
