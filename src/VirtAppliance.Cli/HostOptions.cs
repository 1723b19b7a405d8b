using System.CommandLine;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Services;

namespace VirtAppliance.Cli;

/// <summary>The options of verbs that look at a host: which libvirt, or saved capabilities; forced boot or domain type.</summary>
internal sealed class HostOptions
{
    public Option<string?> Connect { get; } = new("--connect", "-c")
    {
        Description = "libvirt URI (default: $LIBVIRT_DEFAULT_URI, else qemu:///system as root, qemu:///session otherwise)",
        HelpName = "URI",
    };

    public Option<string?> Capabilities { get; } = new("--capabilities")
    {
        Description = "Check against saved 'virsh capabilities' output instead of a live host",
        HelpName = "FILE",
    };

    public Option<string[]> DomainCapabilities { get; } = new("--domain-capabilities")
    {
        Description = "Saved 'virsh domcapabilities' output to go with --capabilities (repeatable; tells whether UEFI is installed)",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int?> Boot { get; } = new("--boot")
    {
        Description = "Use this boot (numbered from 0 in document order, as 'inspect' lists them) instead of the first that fits",
        HelpName = "N",
    };

    public Option<string?> VirtType { get; } = new("--virt-type")
    {
        Description = $"Force the domain type: kvm, qemu, xen or test (also ${HostMatchOptions.VirtTypeVariable})",
        HelpName = "TYPE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Connect);
        command.Options.Add(Capabilities);
        command.Options.Add(DomainCapabilities);
        command.Options.Add(Boot);
        command.Options.Add(VirtType);
    }

    public HostSource Source(CommandContext context) =>
        context.Get(Capabilities) is { } file
            ? new HostSource.Files(file, context.Get(DomainCapabilities) ?? [])
            : new HostSource.Connection(ConnectionUri(context.Get(Connect)));

    public HostMatchOptions MatchOptions(CommandContext context) => new()
    {
        BootIndex = context.Get(Boot),
        VirtType = HostMatchOptions.ResolveVirtType(context.Get(VirtType), Environment.GetEnvironmentVariable, configured: null),
    };

    /// <summary>Like virsh: an explicit URI, else LIBVIRT_DEFAULT_URI, else the system or session daemon.</summary>
    public static string ConnectionUri(string? given) =>
        given is { Length: > 0 } ? given
        : Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Environment.UserName == "root" ? "qemu:///system"
        : "qemu:///session";
}
