namespace VirtAppliance.Cli.Rendering;

/// <summary>Step messages of long work, one line each on stderr (quiet in --json).</summary>
internal sealed class LineProgress(Output output, bool quiet) : IProgress<string>
{
    public void Report(string value)
    {
        if (!quiet)
            output.Error("  " + value);
    }
}
