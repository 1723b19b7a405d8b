using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Services;
using VirtAppliance.Libvirt;

namespace VirtAppliance.Cli;

/// <summary>What a verb's handler gets: the parse result, where to write, and the global settings.</summary>
internal sealed class CommandContext(ParseResult parseResult, GlobalOptions globals, Output output)
{
    public ParseResult ParseResult { get; } = parseResult;

    public Output Output { get; } = output;

    public bool Json => ParseResult.GetValue(globals.Json);

    public bool Debug => ParseResult.GetValue(globals.Debug);

    public string Root => globals.ResolveRoot(ParseResult);

    /// <summary>Created on first use, so verbs that need no store or libvirt never touch them.</summary>
    public ApplianceServices Services => services ??= new ApplianceServices(Root, new LibvirtConnector());

    private ApplianceServices? services;

    public T? Get<T>(Option<T> option) => ParseResult.GetValue(option);

    public T Get<T>(Argument<T> argument) => ParseResult.GetValue(argument)!;
}
