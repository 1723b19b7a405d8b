using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Services;

/// <summary>What <c>inspect</c> shows: the descriptor plus facts about its files.</summary>
public sealed record ApplianceSummary(
    string Source,
    ApplianceSourceKind Kind,
    ApplianceDescriptor Descriptor,
    IReadOnlyList<DiskSummary> Disks,
    IReadOnlyList<DescriptorProblem> Problems);
