namespace VirtAppliance.Core.Descriptors;

/// <summary>What reading gave: the model (null when the XML itself is unreadable) and every problem found.</summary>
public sealed record DescriptorReadResult(ApplianceDescriptor? Descriptor, IReadOnlyList<DescriptorProblem> Problems)
{
    public bool HasErrors => Problems.Any(problem => problem.Severity == Severity.Error);
}
