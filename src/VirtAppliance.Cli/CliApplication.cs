namespace VirtAppliance.Cli;

internal static class CliApplication
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length == 0 ? 2 : 0);
}
