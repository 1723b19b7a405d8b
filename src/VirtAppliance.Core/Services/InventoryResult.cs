using VirtAppliance.Core.Deployment;

namespace VirtAppliance.Core.Services;

/// <summary>What 'vms' shows: every instance, and the domains with our metadata that could not be adopted, with why.</summary>
public sealed record InventoryResult(IReadOnlyList<InstanceStatus> Instances, IReadOnlyList<string> Problems);
