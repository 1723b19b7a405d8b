namespace VirtAppliance.Cli;

/// <summary>A verb was called the wrong way in a way the parser cannot see (e.g. a required value and no terminal to ask on): exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
