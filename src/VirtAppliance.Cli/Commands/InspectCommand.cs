using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Services;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

internal static class InspectCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("APPLIANCE") { Description = "Descriptor file, appliance folder, .vapp package, or installed NAME[@VERSION]" };
        var command = new Command("inspect", """
            Show what an appliance is: name, version, boots, disks with their roles, sizes and formats,
            site parameters, health check. Exits 3 when the descriptor has errors.

            Examples:
              virt-appliance inspect ./my-appliance
              virt-appliance inspect appliance.xml --json
            """)
        {
            appliance,
        };
        CliApplication.SetHandler(command, globals, output, (context, _) =>
        {
            var summary = context.Services.Appliances.Inspect(context.Get(appliance));
            if (!summary.Problems.All(problem => problem.Severity != Severity.Error))
                throw new DescriptorInvalidException(summary.Source, summary.Problems);
            if (context.Json)
                context.Output.Json(InspectJson.From(summary));
            else
                Render(context.Output, summary);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void Render(Output output, ApplianceSummary summary)
    {
        var descriptor = summary.Descriptor;
        var console = output.Console;
        console.MarkupLine($"[bold]{Markup.Escape(descriptor.DisplayName)}[/]" + (descriptor.Label is null ? "" : $" — {Markup.Escape(descriptor.Label)}"));
        if (descriptor.Description is not null)
            console.WriteLine(descriptor.Description);
        console.WriteLine($"source: {summary.Source} ({KindText(summary.Kind)})");
        var devices = descriptor.Devices;
        console.WriteLine($"machine: {devices.Vcpus} vCPU, {Sizes.KiB(devices.MemoryKiB)} memory, {devices.Interfaces} network interface(s), graphics {(devices.Graphics ? "yes" : "no")}");

        var boots = new Table().Title("boots").AddColumns("#", "type", "arch", "features", "starts with", "drives");
        for (var index = 0; index < descriptor.Boots.Count; index++)
        {
            var boot = descriptor.Boots[index];
            var features = string.Join(" ", boot.Features.Select(feature => feature.Enabled ? feature.Name : "no-" + feature.Name));
            var starts = boot.Os.Kernel is { } kernel ? $"kernel {kernel}" + (boot.Os.Initrd is null ? "" : $" + {boot.Os.Initrd}")
                : boot.Os.Loader is { } loader ? loader
                : $"boot from {boot.Os.LoaderDevice ?? "hd"}";
            if (boot.Os.Firmware == Firmware.Efi)
                starts += " (UEFI)";
            var drives = string.Join(", ", boot.Drives.Select(drive => $"{drive.Target}={drive.DiskId}"));
            boots.AddRow(index.ToString(CultureInfo.InvariantCulture), Text(boot.Type.ToString().ToLowerInvariant()), Text(boot.Arch), Text(features), Text(starts), Text(drives));
        }
        console.Write(boots);

        var disks = new Table().Title("disks").AddColumns("id", "role", "format", "size", "file", "allocated", "targets");
        foreach (var disk in summary.Disks)
        {
            disks.AddRow(Text(disk.Id), Text(disk.Role.ToString().ToLowerInvariant()), Text(disk.Format.ToText()),
                Text(disk.DeclaredSizeMiB is { } size ? Sizes.Bytes(size * 1024 * 1024) : disk.FileBytes is { } bytes ? Sizes.Bytes(bytes) : "-"),
                Text(disk.File ?? "(created empty)"),
                Text(disk.AllocatedBytes is { } allocated ? Sizes.Bytes(allocated) : disk.File is null ? "-" : "absent"),
                Text(string.Join(" ", disk.Targets)));
        }
        console.Write(disks);

        if (descriptor.Parameters.Count > 0)
        {
            var parameters = new Table().Title("site parameters").AddColumns("name", "type", "required", "default", "label");
            foreach (var parameter in descriptor.Parameters)
            {
                var type = parameter.Type == ParameterType.Enum ? $"enum ({string.Join("|", parameter.Choices)})" : parameter.Type.ToString().ToLowerInvariant();
                parameters.AddRow(Text(parameter.Name), Text(type), Text(parameter.Required ? "yes" : "no"),
                    Text(parameter.Type == ParameterType.Password && parameter.Default is not null ? "(set)" : parameter.Default ?? "-"), Text(parameter.Label ?? "-"));
            }
            console.Write(parameters);
        }
        foreach (var template in descriptor.Templates)
            console.WriteLine($"config: {template.GuestPath} from {template.Source}");
        if (descriptor.Health is { } health)
            console.WriteLine("health: " + string.Join(" and ", new[]
            {
                health.ConsolePattern is { } pattern ? $"console line matching /{pattern}/" : null,
                health.TcpPort is { } port ? $"guest TCP port {port} accepting connections" : null,
            }.OfType<string>()) + $" within {health.TimeoutSeconds} s");
        foreach (var port in descriptor.Devices.Ports)
            console.WriteLine($"serves: TCP port {port.Guest}" + (port.Name is null ? "" : $" ({port.Name})") + " (deploy publishes it on a free loopback port)");
        if (descriptor.Stateless is { } stateless)
            console.WriteLine($"stateless: {stateless.Persistent.Count} persistent, {stateless.Temporary.Count} temporary path(s)");
        if (descriptor.Requirements is { } requirements)
            console.WriteLine("requires: " + string.Join(", ", new[]
            {
                requirements.MinMemoryKiB is { } memory ? $"{Sizes.KiB(memory)} host memory" : null,
                requirements.MinVcpus is { } vcpus ? $"{vcpus} host CPUs" : null,
            }.OfType<string>()));
        foreach (var problem in summary.Problems)
            output.Error(problem.ToString());
    }

    private static string Text(string value) => Markup.Escape(value);

    private static string KindText(ApplianceSourceKind kind) => kind switch
    {
        ApplianceSourceKind.DescriptorFile => "descriptor file",
        ApplianceSourceKind.Folder => "appliance folder",
        ApplianceSourceKind.Package => "package",
        _ => "installed",
    };
}
