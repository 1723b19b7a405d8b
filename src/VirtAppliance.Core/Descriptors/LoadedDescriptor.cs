namespace VirtAppliance.Core.Descriptors;

/// <summary>A descriptor found from an APPLIANCE argument, with every problem reading and validation found.</summary>
public sealed record LoadedDescriptor(
    ApplianceSourceKind Kind,
    string Path,
    ApplianceDescriptor? Descriptor,
    IReadOnlyList<DescriptorProblem> Problems)
{
    public bool IsValid => Descriptor is not null && Problems.All(problem => problem.Severity != Severity.Error);

    /// <summary>The descriptor, or a <see cref="DescriptorInvalidException"/> listing what is wrong.</summary>
    public ApplianceDescriptor Require() =>
        IsValid ? Descriptor! : throw new DescriptorInvalidException(Path, Problems);
}
