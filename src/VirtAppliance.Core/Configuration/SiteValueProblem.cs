namespace VirtAppliance.Core.Configuration;

/// <summary>One thing wrong with the site values; a password's value never appears in it.</summary>
/// <param name="Name">The parameter (or undeclared name) the problem is about.</param>
/// <param name="Message">What is wrong, prefixed with <c>file:line:column:</c> when the value came from a file.</param>
/// <param name="Hint">What to do about it.</param>
public sealed record SiteValueProblem(string Name, string Message, string? Hint)
{
    public override string ToString() => Hint is null ? Message : $"{Message} ({Hint})";
}
