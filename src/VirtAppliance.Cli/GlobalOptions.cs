using System.CommandLine;
using VirtAppliance.Core.Services;

namespace VirtAppliance.Cli;

/// <summary>Options every verb takes, before or after the verb.</summary>
internal sealed class GlobalOptions
{
    public const string RootVariable = ApplianceServices.RootVariable;
    public const string DefaultRoot = ApplianceServices.DefaultRoot;

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output (JSON on stdout)", Recursive = true };

    public Option<string?> Root { get; } = new("--root")
    {
        Description = $"Store root (default ${RootVariable} or {DefaultRoot})",
        Recursive = true,
        HelpName = "DIR",
    };

    public Option<bool> Debug { get; } = new("--debug") { Description = "Show stack traces and libvirt detail on errors", Recursive = true };

    public IEnumerable<Option> All => [Json, Root, Debug];

    public string ResolveRoot(ParseResult result) => ApplianceServices.ResolveRoot(result.GetValue(Root));
}
