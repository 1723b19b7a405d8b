using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Distribution;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Web.Contracts;

/// <summary><c>install --json</c>.</summary>
public sealed record InstallJson(InstalledAppliance Installed, bool AlreadyInstalled);

/// <summary><c>gc --json</c>: how many leftovers went, and which instance folders (no VM owned them).</summary>
public sealed record GcJson(int Removed, IReadOnlyList<string> InstanceFolders)
{
    public static GcJson From(VirtAppliance.Core.Services.GarbageCollected collected)
    {
        ArgumentNullException.ThrowIfNull(collected);
        return new GcJson(collected.Removed, collected.InstanceFolders);
    }
}

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

/// <summary><c>adopt --json</c>: the appliance a package manager put into the store, now registered.</summary>
public sealed record AdoptJson(InstalledAppliance Adopted);

/// <summary><c>remote remove --json</c>: the remote forgotten (installed appliances stay).</summary>
public sealed record RemoteRemovedJson(Remote Removed);

/// <summary><c>config VM puppet --json</c>: the site's modules that run, and those pending (null when unchanged).</summary>
public sealed record PuppetJson(string Vm, string Appliance, int Generation, bool HasPending, IReadOnlyList<SiteModule> Modules,
    IReadOnlyList<SiteModule>? PendingModules)
{
    public static PuppetJson From(ConfigView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new PuppetJson(view.Vm, view.ApplianceId, view.Generation, view.HasPending, view.Puppet, view.PendingPuppet);
    }

    /// <summary>puppet add's --kind (the API's kind): addition by default.</summary>
    public static SiteModuleKind ParseKind(string? kind) => kind switch
    {
        null or "addition" => SiteModuleKind.Addition,
        "override" => SiteModuleKind.Override,
        _ => throw new InvalidInputException($"--kind {kind}: not a kind of site module") { Hint = "--kind override or --kind addition" },
    };
}

/// <summary>What install takes: a package file, or NAME[@VERSION] (no such file, no slash, not .vapp) that the remotes offer.</summary>
public static class InstallReference
{
    public static bool IsRemote(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return !File.Exists(argument) && !argument.Contains('/', StringComparison.Ordinal) && !argument.EndsWith(".vapp", StringComparison.Ordinal);
    }
}
