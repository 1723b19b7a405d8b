using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Monitoring;

using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>watch [--once | --interval S]: the watch pass from the command line (cron), without serve.</summary>
internal static class WatchCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var once = new Option<bool>("--once") { Description = "Run one pass and exit (for cron)" };
        var interval = new Option<int>("--interval") { Description = "Seconds between passes when not --once", DefaultValueFactory = _ => 60, HelpName = "SECONDS" };
        var command = new Command("watch", """
            Watch every VM's disks: each pass reads every VM's status, sets each disk's percent used
            against its warning and critical levels, and when a disk crosses a level (or falls 5
            points below it) records the alert in the store's index and notifies every channel
            ('virt-appliance notify') once. Passes of 'watch' and 'serve' on one store take turns,
            and an alert already recorded does not fire again after a restart. Without --once it
            runs a pass every --interval seconds until interrupted. Exit 0 when every notification
            was delivered, 6 when one was not.

            Examples:
              virt-appliance watch --once
              virt-appliance watch --interval 300
              */5 * * * * root virt-appliance watch --once --json >>/var/log/virt-appliance-watch.log
            """)
        {
            once, interval,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var seconds = context.Get(interval);
            if (seconds < 1)
                throw new Core.Errors.InvalidInputException($"--interval {seconds}: at least 1 second");
            if (context.Get(once))
            {
                var pass = await context.Services.Watch.EvaluateAsync(cancellationToken).ConfigureAwait(false);
                Render(context, pass);
                return pass.Deliveries.Any(delivery => !delivery.Delivered) ? ExitCodes.Hypervisor : ExitCodes.Success;
            }
            while (true)
            {
                try
                {
                    Render(context, await context.Services.Watch.EvaluateAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (Core.Errors.VirtApplianceException error)
                {
                    // A pass that fails (libvirt restarting, the index locked too long) is reported; the next one tries again.
                    context.Output.Error($"virt-appliance: watch pass failed: {error.Message}");
                }
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static void Render(CommandContext context, WatchResult pass)
    {
        if (context.Json)
        {
            context.Output.Json(WatchPassJson.From(pass));
            return;
        }
        var alerting = pass.Vms.SelectMany(vm => vm.Disks.Where(disk => disk.Level is AlertLevel.Warning or AlertLevel.Critical).Select(disk => (vm, disk))).ToList();
        context.Output.Line($"{pass.At:u}: {pass.Vms.Count} VM{(pass.Vms.Count == 1 ? "" : "s")}, {alerting.Count} disk{(alerting.Count == 1 ? "" : "s")} over a level, {pass.Events.Count} change{(pass.Events.Count == 1 ? "" : "s")}");
        foreach (var alert in pass.Events)
            context.Output.Line($"  {alert.Change.ToString().ToLowerInvariant()}: {alert.Summary}");
        foreach (var delivery in pass.Deliveries.Where(delivery => !delivery.Delivered))
            context.Output.Error($"virt-appliance: {delivery.Channel} ({delivery.Kind}): not delivered after {delivery.Attempts} attempt{(delivery.Attempts == 1 ? "" : "s")}: {delivery.Error}");
    }
}
