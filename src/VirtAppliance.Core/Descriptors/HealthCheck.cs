namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// What "the appliance is up" means; deploy and update wait for it, and update rolls back when it
/// does not come. The only check evaluated today is a serial-console line: a descriptor's
/// <c>&lt;tcp&gt;</c> check is an error until something can reach a guest's ports.
/// </summary>
/// <param name="ConsolePattern">
/// A regular expression matched against each serial-console line; null only in a descriptor that
/// has errors (a <c>&lt;health&gt;</c> without one is invalid).
/// </param>
public sealed record HealthCheck(int TimeoutSeconds, string? ConsolePattern, SourceLocation Location)
{
    public const int DefaultTimeoutSeconds = 300;

    /// <summary>What to write instead of a check that is not evaluated, or where no check is given.</summary>
    internal const string ConsoleHint = "use <console pattern=\"^my-app: ready\"/>: a regular expression for a line the appliance prints on its serial console once it is up";
}
