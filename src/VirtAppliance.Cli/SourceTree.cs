namespace VirtAppliance.Cli;

/// <summary>Finds the checkout the CLI runs from, where the bundled example appliances live.</summary>
internal static class SourceTree
{
    public const string Variable = "VIRT_APPLIANCE_SOURCE";

    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment && Directory.Exists(fromEnvironment))
            return fromEnvironment;
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VirtAppliance.slnx")))
                return folder.FullName;
        }
        return null;
    }
}
