namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// What "the appliance is up" means; deploy and update wait for it, and update rolls back when it
/// does not come. Every check given must pass: a serial-console line, a TCP port that accepts
/// connections (reached through the port published for it), or both.
/// </summary>
/// <param name="ConsolePattern">A regular expression matched against each serial-console line, or null.</param>
/// <param name="TcpPort">A guest port that must accept connections, or null.</param>
public sealed record HealthCheck(int TimeoutSeconds, string? ConsolePattern, int? TcpPort, SourceLocation Location)
{
    public const int DefaultTimeoutSeconds = 300;

    /// <summary>What to write where no check is given.</summary>
    internal const string CheckHint = "write <console pattern=\"^my-app: ready\"/> (a line the appliance prints on its serial console once it is up) or <tcp port=\"80\"/> (a port that accepts connections)";
}
