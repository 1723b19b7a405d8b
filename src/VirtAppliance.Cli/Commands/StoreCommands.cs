using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>install, list, remove, gc: the store of installed appliances.</summary>
internal static class StoreCommands
{
    public static Command Install(GlobalOptions globals, Output output)
    {
        var package = new Argument<string>("PACKAGE") { Description = "The .vapp to install, or NAME[@VERSION] from the remotes" };
        var channel = RepositoryCommands.ChannelOption();
        var allowUnsigned = new Option<bool>("--allow-unsigned") { Description = "Install a package that has no signature (never one with a bad or untrusted one)" };
        var command = new Command("install", """
            Install a package into the store (default /var/lib/appliances): everything is verified
            first, unpacked into a staging folder, made read-only and renamed into place, so an
            interrupted install leaves nothing behind. Installing the same version again is a no-op
            when it is the same package, a conflict (exit 8) otherwise. NAME[@VERSION] (no such file)
            installs from the remotes: the newest version by rpm's order unless one is named, downloaded
            (resumable), checked against the repository's signed metadata, then installed as a file is.

            Examples:
              virt-appliance install my-appliance-1.0-1.vapp
              virt-appliance install my-appliance
              virt-appliance install my-appliance@2.0 --channel testing
              virt-appliance install my-appliance-1.0-1.vapp --root /var/tmp/store --allow-unsigned
            """)
        {
            package, allowUnsigned, channel,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (InstallReference.IsRemote(context.Get(package)))
                return await InstallRemoteAsync(context, context.Get(package), context.Get(channel), context.Get(allowUnsigned), cancellationToken).ConfigureAwait(false);
            var result = await ProgressDisplay.RunAsync(context.Output, context.Json, "installing",
                progress => context.Services.Store.InstallAsync(context.Get(package), context.Get(allowUnsigned), progress, cancellationToken)).ConfigureAwait(false);
            var appliance = result.Appliance;
            if (context.Json)
                context.Output.Json(new InstallJson(appliance, result.AlreadyInstalled));
            else
                context.Output.Line(result.AlreadyInstalled
                    ? $"{appliance.Id} is already installed from the same package; nothing to do"
                    : $"installed {appliance.Id} in {appliance.Path} ({Sizes.Bytes(appliance.SizeOnDisk)}" + (appliance.SignerUserId is null ? ", unsigned)" : $", signed by {appliance.SignerUserId})"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> InstallRemoteAsync(CommandContext context, string reference, string? channel, bool allowUnsigned, CancellationToken cancellationToken)
    {
        var result = await ProgressDisplay.RunAsync(context.Output, context.Json, "installing",
            progress => context.Services.Repositories.InstallAsync(reference, channel, allowUnsigned, progress, cancellationToken)).ConfigureAwait(false);
        if (context.Json)
        {
            context.Output.Json(result);
            return ExitCodes.Success;
        }
        if (result.DeltaFallback is { } why)
            context.Output.Line($"the delta did not apply ({why}); downloaded the full package instead");
        if (result.Downloaded is { } downloaded)
            context.Output.Line(downloaded.Base is { } from
                ? $"downloaded the delta from {from.Id} ({Sizes.Bytes(downloaded.Length)}; the full package is {Sizes.Bytes(result.Chosen.Target.Length)})"
                : $"downloaded the full package ({Sizes.Bytes(downloaded.Length)})");
        if (result.NewerInstalled is { } newer)
            context.Output.Line($"{newer.Id} is installed; remote {result.Chosen.Remote} offers nothing newer (newest {result.Chosen.Target.Id}); nothing to do");
        else if (result.Installed is { AlreadyInstalled: true } same)
            context.Output.Line($"{same.Appliance.Id} is already installed from the same package; nothing to do");
        else if (result.Installed is { } installed)
            context.Output.Line($"installed {installed.Appliance.Id} from remote {result.Chosen.Remote} in {installed.Appliance.Path} ({Sizes.Bytes(installed.Appliance.SizeOnDisk)}"
                + (installed.Appliance.SignerUserId is null ? ", unsigned)" : $", signed by {installed.Appliance.SignerUserId})"));
        return ExitCodes.Success;
    }

    public static Command List(GlobalOptions globals, Output output)
    {
        var command = new Command("list", """
            List the installed appliances: name, version-release, size on disk, signer, install time.

            Examples:
              virt-appliance list
              virt-appliance list --json
            """);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var installed = await context.Services.Store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.Json(installed);
                return ExitCodes.Success;
            }
            if (installed.Count == 0)
            {
                context.Output.Line($"no appliances installed in {context.Root} (install one with 'virt-appliance install PACKAGE')");
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("name", "version", "size", "signed by", "installed");
            foreach (var appliance in installed)
                table.AddRow(Markup.Escape(appliance.Name), Markup.Escape($"{appliance.Version}-{appliance.Release}"), Sizes.Bytes(appliance.SizeOnDisk),
                    Markup.Escape(appliance.SignerUserId ?? "(unsigned)"), appliance.InstalledAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            context.Output.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Remove(GlobalOptions globals, Output output)
    {
        var reference = new Argument<string>("NAME[@VERSION]") { Description = "The installed appliance (one version)" };
        var command = new Command("remove", """
            Remove an installed appliance version. Refused (exit 8) while a VM runs it or keeps it as
            its rollback target.

            Examples:
              virt-appliance remove my-appliance@1.0-1
            """)
        {
            reference,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var removed = await context.Services.Store.RemoveAsync(context.Get(reference), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(new RemoveJson(removed));
            else
                context.Output.Line($"removed {removed.Id}");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CollectGarbage(GlobalOptions globals, Output output)
    {
        var connect = new HostOptions().Connect;
        var command = new Command("gc", """
            Remove what interrupted commands left in the store (staging folders, unindexed folders) and
            instance folders no VM owns: no row in the index and no libvirt domain of that name (at
            --connect and at every URI the store's VMs use). A folder whose domain exists is kept for
            'vms --repair'.

            Examples:
              virt-appliance gc
            """)
        {
            connect,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var collected = await context.Services.Instances.CollectGarbageAsync(HostOptions.ConnectionUri(context.Get(connect)), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.Json(GcJson.From(collected));
            }
            else
            {
                foreach (var folder in collected.InstanceFolders)
                    context.Output.Line($"removed {folder} (no VM owned it)");
                context.Output.Line(collected.Removed == 0 ? "nothing to clean" : $"removed {collected.Removed} leftover(s)");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
