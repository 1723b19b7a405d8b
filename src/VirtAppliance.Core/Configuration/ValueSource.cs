namespace VirtAppliance.Core.Configuration;

/// <summary>A site value read from a <c>--values</c> file, with where it was written (1-based line and column).</summary>
/// <param name="Value">The value as text: numbers as written, booleans as <c>true</c> or <c>false</c>.</param>
public sealed record ValueSource(string Value, string File, int Line, int Column)
{
    /// <summary><c>file:line:column</c>, the prefix of every message about this value.</summary>
    public string Location => $"{File}:{Line}:{Column}";

    /// <summary>The location only: the value may be a password.</summary>
    public override string ToString() => Location;
}
