using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Deployment;

using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>grow: a bigger disk for a VM, with its file system.</summary>
internal static class GrowCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var disk = new Argument<string>("DISK") { Description = "The appliance's disk id (data) or the VM's target (vdb)" };
        var size = new Argument<string>("SIZE") { Description = "The new size (20G, 512MiB) or what to add (+5G); a unit is required" };
        var force = new Option<bool>("--force") { Description = "Also grow a system or scratch disk (the next update gives them the new version's size again)" };
        var command = new Command("grow", """
            Make a disk of a VM bigger; never smaller. User disks only, unless --force. While the VM
            runs, libvirt resizes the disk under the guest, which sees the new size at once; its
            guest agent, when it has one, grows the file system. When the VM is off, qemu-img resizes
            the file, and an ext2/3/4 file system written straight onto a raw disk (how appliances'
            user disks are made) is checked and grown by the host. Otherwise the guest grows its
            file system itself; the output says which happened. Nothing on the disk is moved or lost.

            Examples:
              virt-appliance grow wiki1 data 20G
              virt-appliance grow wiki1 vdb +5G
            """)
        {
            vm, disk, size, force,
        };
        var vmOptions = new VmOptionsCli(stops: false);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var result = await context.Services.Instances.GrowAsync(context.Get(vm), context.Get(disk), context.Get(size), context.Get(force),
                new LineProgress(context.Output, context.Json), vmOptions.Read(context), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.Json(result);
                return ExitCodes.Success;
            }
            context.Output.Line(result.FileSystem == FileSystemGrowth.Unchanged
                ? $"{result.Name}: {result.Disk} ({result.Target}) already has {Sizes.Bytes(result.NewSize)}; nothing changed"
                : $"{result.Name}: {result.Disk} ({result.Target}) grew from {Sizes.Bytes(result.OldSize)} to {Sizes.Bytes(result.NewSize)}{(result.Online ? " while running" : "")}; "
                  + result.FileSystem switch
                  {
                      FileSystemGrowth.GrownByHost => "its file system grew with it",
                      FileSystemGrowth.GrownByGuestAgent => "the guest agent grew its file system",
                      _ => "the guest grows its file system",
                  });
            if (result.Note is { } note && result.FileSystem != FileSystemGrowth.Unchanged)
                context.Output.Line($"  note: {note}");
            return ExitCodes.Success;
        });
        return command;
    }
}
