using VirtAppliance.Core.Internal;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>Runs a real tool synchronously through <see cref="ExternalTool"/>; a missing tool or a non-zero exit fails the test.</summary>
internal static class Tools
{
    /// <summary>Returns stdout; throws with the tool's stderr when it is missing or fails.</summary>
    public static string Run(string program, params string[] args) =>
        ExternalTool.RunAsync(program, args, null, CancellationToken.None).GetAwaiter().GetResult();
}
