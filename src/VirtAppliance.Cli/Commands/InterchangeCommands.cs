using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Web.Contracts;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Cli.Commands;

/// <summary>import, export and adopt: the formats other tools use (OVA/OVF, RPM) and the RPM scriptlets' verb.</summary>
internal static class InterchangeCommands
{
    public static Command Import(GlobalOptions globals, Output output)
    {
        var file = new Argument<string>("FILE") { Description = "The .ova (or .ovf with its files beside it) to import" };
        var directory = new Option<string?>("--output", "-o") { Description = "The appliance folder to write (default: the file's name without extension, here)", HelpName = "DIR" };
        var name = new Option<string?>("--name", "-n") { Description = "The appliance's name (default: the package's)", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace what DIR holds" };
        var command = new Command("import", """
            Import an OVF package (OVF 1.x or 2.x; an .ova, or an .ovf with its disks beside it)
            made by VirtualBox, VMware, oVirt or virt-v2v into an appliance folder: the manifest's
            SHA-1/SHA-256 digests are checked first (exit 5 on a mismatch), disks are converted to
            qcow2 with qemu-img, CPUs, memory, NICs and disks in drive order (the first is the system
            disk, the others user disks) become the descriptor, ProductSection properties become site
            parameters. What the package has and an appliance cannot hold is listed as not carried
            over; a certificate (.cert) is noted, not trusted. A malformed descriptor is exit 3 with
            file:line:column. See docs/interchange.md.

            Examples:
              virt-appliance import web.ova -o ./web
              virt-appliance import exported/vm.ovf -o ./vm --name vm
            """)
        {
            file, directory, name, force,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var result = await context.Services.Interchange.ImportAsync(context.Get(file), context.Get(directory), context.Get(name), context.Get(force),
                new LineProgress(context.Output, context.Json), cancellationToken).ConfigureAwait(false);
            if (!context.Json)
                context.Output.Line($"OVF {result.OvfVersion}.x package; manifest: {result.Manifest ?? "none"}{(result.Certificate is null ? "" : $"; certificate {result.Certificate} not checked")}");
            InitCommand.Render(context, result.Appliance);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Export(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("APPLIANCE") { Description = "A .vapp (--rpm), or for --ova also an appliance folder, descriptor or installed NAME[@VERSION]" };
        var ova = new Option<bool>("--ova") { Description = "Write an OVA (OVF 1.0, streamOptimized VMDKs, SHA-256 manifest) for VirtualBox, VMware, oVirt" };
        var rpm = new Option<bool>("--rpm") { Description = "Build a signed RPM that installs the appliance into the store, and make the output folder a yum/dnf repository" };
        var target = new Option<string?>("--output", "-o") { Description = "--ova: the .ova to write (default NAME.ova); --rpm: the repository folder (default: here)", HelpName = "PATH" };
        var signKey = new Option<string?>("--sign-key") { Description = $"--rpm: sign with this armored OpenPGP secret key (passphrase from ${PackageSigner.PassphraseVariable})", HelpName = "KEY.asc" };
        var storeRoot = new Option<string>("--store-root") { Description = "--rpm: the store root on the machines that install the RPM", DefaultValueFactory = _ => "/var/lib/appliances", HelpName = "DIR" };
        var command = new Command("export", """
            Export an appliance for other tools. --ova writes an OVF 1.0 package (the .ovf first, a
            .mf with SHA-256 digests, the disks as streamOptimized VMDKs) that VirtualBox and VMware
            import; what OVF cannot say (kernel boot, health check, roles, templates) travels in a
            section of virt-appliance's own that other tools ignore. --rpm builds an RPM (rpmbuild)
            whose payload is the appliance as the store keeps it under
            /var/lib/appliances/appliances/NAME/VERSION-RELEASE, registered by its %post through
            'virt-appliance adopt' and refused removal by its %preun while a VM uses it; signed with
            --sign-key (rpmsign), and createrepo_c indexes the output folder. See docs/interchange.md.

            Examples:
              virt-appliance export --ova tiny-1.0-1.vapp -o tiny.ova
              virt-appliance export --rpm tiny-1.0-1.vapp -o ./repo --sign-key supplier.asc
            """)
        {
            appliance, ova, rpm, target, signKey, storeRoot,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (context.Get(ova) == context.Get(rpm))
                throw new UsageException("export needs exactly one of --ova and --rpm");
            var progress = new LineProgress(context.Output, context.Json);
            if (context.Get(ova))
            {
                if (context.Get(signKey) is not null)
                    throw new UsageException("--sign-key goes with --rpm (an OVA's X.509 signature is not made here)");
                var source = context.Get(appliance);
                var path = context.Get(target) ?? Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(source)).Split('@')[0] + ".ova";
                var result = await context.Services.Interchange.ExportOvaAsync(source, path, progress, cancellationToken).ConfigureAwait(false);
                if (context.Json)
                    context.Output.Json(result);
                else
                    context.Output.Line($"wrote {result.Path} ({Sizes.Bytes(result.Bytes)}): {string.Join(", ", result.Entries)}");
            }
            else
            {
                var result = await context.Services.Interchange.ExportRpmAsync(context.Get(appliance), context.Get(target), context.Get(signKey),
                    Environment.GetEnvironmentVariable(PackageSigner.PassphraseVariable), context.Get(storeRoot)!, progress, cancellationToken).ConfigureAwait(false);
                if (context.Json)
                    context.Output.Json(result);
                else
                    context.Output.Line($"wrote {result.Rpm} ({Sizes.Bytes(result.Bytes)}, installs {result.InstallPath}, "
                        + (result.SignedBy is null ? "unsigned" : $"signed by {result.SignedBy}") + $"); repository {result.Repository} indexed");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Adopt(GlobalOptions globals, Output output)
    {
        var reference = new Argument<string>("NAME@VERSION-RELEASE") { Description = "The appliance folder already in ROOT/appliances/ to register" };
        var command = new Command("adopt", """
            Register an appliance that a package manager put into the store (the %post of an RPM made
            by 'export --rpm' runs this): its files are checked against its kept manifest (exit 5 on
            a mismatch), then it is listed and deployable like an installed one. Registering it again
            changes nothing.

            Examples:
              virt-appliance adopt tiny@1.0-1
            """)
        {
            reference,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var adopted = await context.Services.Store.AdoptAsync(context.Get(reference), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(new AdoptJson(adopted));
            else
                context.Output.Line($"registered {adopted.Id} ({adopted.Path})");
            return ExitCodes.Success;
        });
        return command;
    }
}
