namespace VirtAppliance.Core.Descriptors;

/// <summary>What "the appliance is up" means; deploy and update wait for it.</summary>
/// <param name="ConsolePattern">A regular expression matched against each serial-console line.</param>
/// <param name="TcpPort">A guest TCP port that must accept connections.</param>
public sealed record HealthCheck(int TimeoutSeconds, string? ConsolePattern, int? TcpPort, SourceLocation Location)
{
    public const int DefaultTimeoutSeconds = 300;
}
