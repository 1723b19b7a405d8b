namespace VirtAppliance.Core.Deployment;

/// <summary>A VM's serial-console log, read while QEMU may still be writing it.</summary>
public static class ConsoleLog
{
    /// <summary>The lines of the log (without carriage returns); empty when there is none yet.</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
