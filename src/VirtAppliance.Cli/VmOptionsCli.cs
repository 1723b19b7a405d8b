using System.CommandLine;
using VirtAppliance.Core.Deployment;

namespace VirtAppliance.Cli;

/// <summary>The options of verbs that act on one deployed VM: which libvirt (--connect), and how it is stopped (--force, --timeout).</summary>
internal sealed class VmOptionsCli(bool stops)
{
    public Option<string?> Connect { get; } = new("--connect", "-c")
    {
        Description = "libvirt URI; a VM is always reached where it was deployed, so this must be that URI (a check for scripts)",
        HelpName = "URI",
    };

    public Option<bool> Force { get; } = new("--force") { Description = "Power the VM off at once instead of asking the guest (ACPI power button)" };

    public Option<int?> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds the guest may take to power off before it is forced off (default 60)",
        HelpName = "SECONDS",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Connect);
        if (!stops)
            return;
        command.Options.Add(Force);
        command.Options.Add(Timeout);
    }

    public VmOptions Read(CommandContext context)
    {
        if (context.Get(Timeout) is < 1)
            throw new Core.Errors.InvalidInputException($"--timeout {context.Get(Timeout)}: give at least 1 second") { Hint = "or --force to power off at once" };
        return new VmOptions(context.Get(Connect) is { Length: > 0 } uri ? uri : null, stops && context.Get(Force),
            context.Get(Timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }
}
