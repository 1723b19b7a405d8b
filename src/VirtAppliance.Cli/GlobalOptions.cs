using System.CommandLine;

namespace VirtAppliance.Cli;

/// <summary>Options every verb takes, before or after the verb.</summary>
internal sealed class GlobalOptions
{
    public const string RootVariable = "VIRT_APPLIANCE_ROOT";
    public const string DefaultRoot = "/var/lib/appliances";

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output (JSON on stdout)", Recursive = true };

    public Option<string?> Root { get; } = new("--root")
    {
        Description = $"Store root (default ${RootVariable} or {DefaultRoot})",
        Recursive = true,
        HelpName = "DIR",
    };

    public Option<bool> Debug { get; } = new("--debug") { Description = "Show stack traces and libvirt detail on errors", Recursive = true };

    public IEnumerable<Option> All => [Json, Root, Debug];

    public string ResolveRoot(ParseResult result) =>
        result.GetValue(Root) is { Length: > 0 } fromOption ? fromOption
        : Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultRoot;
}
