namespace VirtAppliance.Core.Descriptors;

/// <summary>A place in a file; line and column are 1-based, 0 when unknown.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static SourceLocation None { get; } = new("", 0, 0);

    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
