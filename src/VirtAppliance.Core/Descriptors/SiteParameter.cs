namespace VirtAppliance.Core.Descriptors;

/// <summary>A typed value the site fills in per deployment (like an OVF ProductSection property).</summary>
public sealed record SiteParameter
{
    public required string Name { get; init; }

    public ParameterType Type { get; init; }

    public bool Required { get; init; }

    public string? Default { get; init; }

    public string? Label { get; init; }

    public string? Description { get; init; }

    /// <summary>The allowed values of an <see cref="ParameterType.Enum"/> parameter.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    public SourceLocation Location { get; init; }
}
