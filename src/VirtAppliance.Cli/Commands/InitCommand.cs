using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>init: an appliance folder for someone who already has a VM, from its disk images or its libvirt domain.</summary>
internal static class InitCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var directory = new Argument<string>("DIR") { Description = "The appliance folder to write (new or empty unless --force)" };
        var disks = new Option<string[]>("--disk")
        {
            Description = "A disk image, FILE[:ROLE] with ROLE system, user (alias data) or scratch (repeatable, in drive order vda, vdb …; default: the first is system, the others user)",
            HelpName = "FILE[:ROLE]",
            AllowMultipleArgumentsPerToken = false,
        };
        var fromDomain = new Option<string?>("--from-domain") { Description = "Make the appliance from this shut-off libvirt domain instead", HelpName = "NAME" };
        var connect = new HostOptions().Connect;
        var name = new Option<string?>("--name", "-n") { Description = "The appliance's name (default with --from-domain: the domain's)", HelpName = "NAME" };
        var version = new Option<string>("--version") { Description = "The appliance's version", DefaultValueFactory = _ => "1.0", HelpName = "VERSION" };
        var memory = new Option<string?>("--memory") { Description = "Memory, e.g. 512M or 1G (a plain number is MiB)", HelpName = "SIZE" };
        var vcpus = new Option<int>("--vcpus") { Description = "Virtual CPUs", DefaultValueFactory = _ => 1, HelpName = "N" };
        var arch = new Option<string?>("--arch") { Description = "Guest architecture (default: the host's)", HelpName = "ARCH" };
        var boot = new Option<string>("--boot") { Description = "Boot device of the firmware: hd (the first disk), cdrom, network or fd", DefaultValueFactory = _ => "hd", HelpName = "DEV" };
        boot.AcceptOnlyFromAmong("hd", "cdrom", "network", "fd");
        var kernel = new Option<string?>("--kernel") { Description = "Boot this kernel directly (copied into DIR) instead of the disk's boot loader", HelpName = "FILE" };
        var initrd = new Option<string?>("--initrd") { Description = "The initrd for --kernel (copied into DIR)", HelpName = "FILE" };
        var cmdline = new Option<string?>("--cmdline") { Description = "The kernel command line for --kernel", HelpName = "TEXT" };
        var uefi = new Option<bool>("--uefi") { Description = "Boot with UEFI firmware rather than BIOS" };
        var nics = new Option<int>("--nics") { Description = "Network interfaces", DefaultValueFactory = _ => 1, HelpName = "N" };
        var healthConsole = new Option<string?>("--health-console")
        {
            Description = "A serial-console line (regular expression) that says the appliance is up; deploy and update wait for it",
            HelpName = "PATTERN",
        };
        var convert = new Option<string?>("--convert") { Description = "Convert every disk to qcow2 or raw (default: copy each as it is, sparse)", HelpName = "FORMAT" };
        convert.AcceptOnlyFromAmong("qcow2", "raw");
        var force = new Option<bool>("--force") { Description = "Replace what DIR holds" };
        Option[] diskOnly = [disks, memory, vcpus, arch, boot, kernel, initrd, cmdline, uefi, nics];
        var command = new Command("init", """
            Write an appliance folder for a VM you already have: from its disk images (--disk) or from
            a shut-off libvirt domain (--from-domain). Each disk's format is detected with qemu-img; the
            disks are copied sparse into DIR (or converted with --convert), their SHA-256 is computed and
            DIR/appliance.xml is written, ready for validate, pack and deploy. A scratch disk is not
            copied: deploy creates it empty, the same size. From a domain, the boot (kernel and initrd
            copied too), features, memory, vCPUs, disks with their targets, NICs and graphics are
            carried over; everything else is listed as not carried over. On a terminal, --name and
            --memory are asked for when not given. Nothing is left half-written: DIR appears complete
            or not at all. Exits 8 when DIR is not empty (without --force) or the domain is running.

            Examples:
              virt-appliance init ./wiki --disk root.qcow2 --disk data.img:user --name wiki --memory 1G
              virt-appliance init ./tiny --disk system.img --disk data.img:user --disk scratch.img:scratch --name tiny --memory 256M --kernel vmlinuz --initrd initrd.img --cmdline console=ttyS0
              virt-appliance init ./web --from-domain web01 --connect qemu:///system --convert qcow2
            """)
        {
            directory, disks, fromDomain, connect, name, version, memory, vcpus, arch, boot, kernel, initrd, cmdline, uefi, nics, healthConsole, convert, force,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            DiskFormat? format = context.Get(convert) is { } text && DiskFormatSpelling.TryParse(text, out var parsed) ? parsed : null;
            var progress = new LineProgress(context.Output, context.Json);
            InitResult result;
            if (context.Get(fromDomain) is { } domain)
            {
                if (diskOnly.Where(option => context.ParseResult.GetResult(option) is { Implicit: false }).Select(option => option.Name).ToList() is { Count: > 0 } given)
                    throw new UsageException($"{string.Join(", ", given)} cannot go with --from-domain: the domain's own settings are carried over");
                var request = new DomainInitRequest(context.Get(directory), domain, HostOptions.ConnectionUri(context.Get(connect)))
                {
                    Name = context.Get(name),
                    Version = context.Get(version)!,
                    HealthConsole = context.Get(healthConsole),
                    Convert = format,
                    Force = context.Get(force),
                };
                result = await context.Services.Authoring.InitFromDomainAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (context.Get(disks) is not { Length: > 0 } diskTexts)
                    throw new UsageException("init needs --disk FILE[:ROLE] (repeatable) or --from-domain NAME");
                var request = new InitRequest(context.Get(directory), [.. diskTexts.Select(DiskSpec.Parse)])
                {
                    Name = context.Get(name),
                    Version = context.Get(version)!,
                    Memory = context.Get(memory),
                    Vcpus = context.Get(vcpus),
                    Arch = context.Get(arch),
                    BootDevice = context.Get(boot)!,
                    Kernel = context.Get(kernel),
                    Initrd = context.Get(initrd),
                    Cmdline = context.Get(cmdline),
                    Uefi = context.Get(uefi),
                    Interfaces = context.Get(nics),
                    HealthConsole = context.Get(healthConsole),
                    Convert = format,
                    Force = context.Get(force),
                };
                request = await AskForMissingAsync(context, request, cancellationToken).ConfigureAwait(false);
                result = await context.Services.Authoring.InitAsync(request, progress, cancellationToken).ConfigureAwait(false);
            }
            Render(context, result);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>On a terminal, asks for the required values nobody gave; elsewhere (or with --json) their absence is a usage error.</summary>
    private static async Task<InitRequest> AskForMissingAsync(CommandContext context, InitRequest request, CancellationToken cancellationToken)
    {
        if (request.Missing.Count == 0)
            return request;
        if (context.Json || !context.Output.IsInteractive || Console.IsInputRedirected)
            throw new UsageException($"init needs {string.Join(" and ", request.Missing.Select(missing => "--" + missing))} (there is no terminal to ask on)");
        if (request.Name is null)
        {
            var suggested = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.Directory)));
            var prompt = new TextPrompt<string>("Appliance name (--name):");
            if (suggested.Length > 0)
                prompt = prompt.DefaultValue(suggested);
            request = request with { Name = await context.Output.Console.PromptAsync(prompt, cancellationToken).ConfigureAwait(false) };
        }
        if (request.Memory is null)
            request = request with
            {
                Memory = await context.Output.Console.PromptAsync(new TextPrompt<string>("Memory, e.g. 512M or 1G (--memory):").DefaultValue("1G"), cancellationToken).ConfigureAwait(false),
            };
        return request;
    }

    internal static void Render(CommandContext context, InitResult result)
    {
        var descriptor = result.Descriptor;
        if (context.Json)
        {
            context.Output.Json(new
            {
                result.Directory,
                Descriptor = descriptor.SourcePath,
                descriptor.Name,
                descriptor.Version,
                Disks = result.Disks.Select(disk => new
                {
                    disk.Id,
                    disk.File,
                    Role = disk.Role,
                    Format = disk.Format.ToText(),
                    disk.Target,
                    disk.Source,
                    disk.SourceFormat,
                    disk.Converted,
                    disk.VirtualSize,
                    disk.Sha256,
                }),
                result.Files,
                NotCarried = result.NotCarried,
            });
            return;
        }
        context.Output.Line($"wrote {result.Directory}: {descriptor.DisplayName}, {result.Disks.Count} disk{(result.Disks.Count == 1 ? "" : "s")}, "
            + $"{Sizes.KiB(descriptor.Devices.MemoryKiB)} memory, {descriptor.Devices.Vcpus} vCPU{(descriptor.Devices.Vcpus == 1 ? "" : "s")}, {BootText(descriptor.Boots[0])}");
        foreach (var disk in result.Disks)
        {
            var role = disk.Role.ToString().ToLowerInvariant();
            context.Output.Line(disk.File is null
                ? $"  {disk.Target,-5} {role,-8} created empty at deploy ({Sizes.Bytes(disk.VirtualSize)}, {disk.Format.ToText()})"
                : $"  {disk.Target,-5} {role,-8} {disk.File} ({disk.Format.ToText()}, {Sizes.Bytes(disk.VirtualSize)}) "
                    + (disk.Converted ? $"converted from {disk.Source} ({disk.SourceFormat})" : $"copied from {disk.Source}"));
        }
        if (result.NotCarried.Count > 0)
        {
            context.Output.Line("not carried over:");
            foreach (var item in result.NotCarried)
                context.Output.Line($"  - {item}");
        }
        context.Output.Line($"next: virt-appliance validate {result.Directory} --require-files; virt-appliance pack {result.Directory}");
    }

    private static string BootText(BootDescriptor boot) =>
        (boot.Os.Kernel is { } kernel ? $"boots {kernel}" + (boot.Os.Initrd is { } initrd ? $" with {initrd}" : "") : $"boots from {boot.Os.Loader ?? boot.Os.LoaderDevice ?? "hd"}")
        + (boot.Os.Firmware == Firmware.Efi ? " (UEFI)" : "");
}
