namespace VirtAppliance.Core.Descriptors;

/// <summary>One thing wrong with a descriptor, where it is, and what to do about it.</summary>
public sealed record DescriptorProblem(Severity Severity, SourceLocation Location, string Message, string? Hint = null)
{
    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}" + (Hint is null ? "" : $" ({Hint})");
}
