using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Descriptors;

/// <summary>A descriptor has errors; carries all of them (exit code 3).</summary>
public sealed class DescriptorInvalidException : InvalidInputException
{
    public DescriptorInvalidException(string source, IReadOnlyList<DescriptorProblem> problems)
        : base($"{source}: the descriptor is not valid ({problems.Count(problem => problem.Severity == Severity.Error)} error(s))")
    {
        Problems = problems;
        Hint = "run 'virt-appliance validate' on it to see every problem";
    }

    public IReadOnlyList<DescriptorProblem> Problems { get; }
}
