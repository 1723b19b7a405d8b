using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Monitoring;

using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>status [VM]: state, uptime, health, CPU, memory and disks with their levels.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string?>("VM") { Description = "A deployed VM (every VM when left out)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", """
            Show a VM's state, uptime, health (its appliance's health check, evaluated once now), vCPUs,
            CPU time, memory, and for each disk its capacity, allocation and physical size (libvirt's
            block info) and, where the guest agent reports them, the file systems on it. Each disk's
            percent used is set against its warning and critical levels ('config VM threshold'); the
            level shown is what the watch pass ('virt-appliance watch', 'serve') alerts on. Without a
            VM, one line a VM. The JSON shape is documented in docs/monitoring.md.

            Examples:
              virt-appliance status
              virt-appliance status wiki1
              virt-appliance status wiki1 --json
            """)
        {
            vm,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (context.Get(vm) is { } name)
            {
                var status = await context.Services.Instances.StatusAsync(name, cancellationToken).ConfigureAwait(false);
                if (context.Json)
                    context.Output.Json(status);
                else
                    RenderOne(context.Output, status);
                return ExitCodes.Success;
            }
            var all = await context.Services.Instances.StatusAllAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(all);
            else
                RenderAll(context.Output, all);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static void RenderAll(Output output, IReadOnlyList<VmStatus> all)
    {
        if (all.Count == 0)
        {
            output.Line("no VMs deployed (deploy one with 'virt-appliance deploy NAME --name VM')");
            return;
        }
        var table = new Table().AddColumns("name", "appliance", "state", "uptime", "health", "fullest disk", "level");
        foreach (var status in all)
        {
            var fullest = status.Disks.Where(disk => disk.UsedPercent is not null).MaxBy(disk => disk.UsedPercent);
            table.AddRow(Markup.Escape(status.Name), Markup.Escape($"{status.Appliance}@{status.Version}-{status.Release}"), Markup.Escape(State(status)),
                Uptime(status.UptimeSeconds), Markup.Escape(Health(status.Health)),
                fullest is null ? "-" : Markup.Escape($"{fullest.Id} {Percent(fullest.UsedPercent)}"), Level(status.Level));
        }
        output.Console.Write(table);
    }

    internal static void RenderOne(Output output, VmStatus status)
    {
        output.Line($"{status.Name}: {status.Appliance}@{status.Version}-{status.Release} on {status.Uri}");
        output.Line($"  state:    {State(status)}" + (status.UptimeSeconds is { } up ? $", up {Uptime(up)}" : ""));
        output.Line($"  health:   {Health(status.Health)}" + (status.HealthDetail is { } detail ? $" ({detail})" : ""));
        if (status.Vcpus is { } vcpus)
            output.Line(string.Create(CultureInfo.InvariantCulture, $"  cpu:      {vcpus} vCPU{(vcpus == 1 ? "" : "s")}, {status.CpuTimeSeconds ?? 0:0.0} s CPU time"));
        if (status.MemoryBytes is { } memory)
            output.Line($"  memory:   {Sizes.Bytes(memory)} of at most {Sizes.Bytes(status.MaxMemoryBytes ?? memory)}");
        output.Line($"  guest:    " + status.GuestAgent switch
        {
            GuestAgentState.Answering => "the guest agent reports its file systems",
            GuestAgentState.NotAnswering => $"the guest agent does not answer ({status.GuestAgentDetail}); disks without file-system figures",
            _ => "no guest agent; percent used is the image's allocation against its capacity",
        });
        var table = new Table().AddColumns("disk", "target", "role", "capacity", "allocation", "physical", "on host", "used", "levels", "level");
        foreach (var disk in status.Disks)
        {
            table.AddRow(Markup.Escape(disk.Id), Markup.Escape(disk.Target), disk.Role.ToString().ToLowerInvariant(), Size(disk.Capacity), Size(disk.Allocation), Size(disk.Physical), Size(disk.HostBytes),
                Markup.Escape(Percent(disk.UsedPercent) + disk.Basis switch { UsageBasis.FileSystem => " of fs", UsageBasis.Allocation => " of image", _ => "" }),
                Markup.Escape($"{disk.Threshold.Warning}/{disk.Threshold.Critical}% ({disk.ThresholdSource.ToString().ToLowerInvariant()})"), Level(disk.Level));
        }
        output.Console.Write(table);
        var fileSystems = status.Disks.SelectMany(disk => disk.FileSystems.Select(fs => (disk, fs))).ToList();
        if (fileSystems.Count > 0)
        {
            output.Line("  file systems (from the guest):");
            foreach (var (disk, fs) in fileSystems)
                output.Line(string.Create(CultureInfo.InvariantCulture,
                    $"    {disk.Id} ({fs.Device ?? disk.Target}) {fs.Mountpoint} {fs.Type}: {Sizes.Bytes(fs.UsedBytes)} of {Sizes.Bytes(fs.TotalBytes)} used ({fs.UsedPercent:0.#}%)"));
        }
    }

    private static string State(VmStatus status) =>
        status.DomainMissing ? "missing (domain removed outside virt-appliance)" : VmJson.StateText(status.State);

    private static string Health(HealthState health) => health switch
    {
        HealthState.Healthy => "healthy",
        HealthState.Unhealthy => "UNHEALTHY",
        HealthState.Stopped => "not running",
        _ => "no health check",
    };

    private static string Level(AlertLevel level) => level switch
    {
        AlertLevel.Critical => "[red]CRITICAL[/]",
        AlertLevel.Warning => "[yellow]WARNING[/]",
        AlertLevel.Ok => "ok",
        _ => "unknown",
    };

    private static string Size(long? bytes) => bytes is { } value ? Sizes.Bytes(value) : "-";

    private static string Percent(double? percent) => percent is { } value ? value.ToString("0.#", CultureInfo.InvariantCulture) + "%" : "-";

    private static string Uptime(double? seconds)
    {
        if (seconds is not { } value)
            return "-";
        var span = TimeSpan.FromSeconds(value);
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays} d {span.Hours} h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours} h {span.Minutes} min"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s"
            : $"{span.Seconds} s";
    }
}
