namespace VirtAppliance.Core.Internal;

/// <summary>How a tool run by <see cref="ExternalTool.RunUncheckedAsync"/> ended, and what it printed.</summary>
public sealed record ExternalToolResult(int ExitCode, string Stdout, string Stderr);
