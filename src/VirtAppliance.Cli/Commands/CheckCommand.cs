using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("APPLIANCE") { Description = "Descriptor file, appliance folder, .vapp package, or installed NAME[@VERSION]" };
        var host = new HostOptions();
        var command = new Command("check", """
            Does the appliance fit this host, and why not? Lists every boot with each requirement
            (boot type, arch, features, firmware, memory, vCPUs) and what the host has.
            Exits 0 when a boot fits, 4 when none does.

            Examples:
              virt-appliance check ./my-appliance
              virt-appliance check appliance.xml --capabilities caps.xml
              virt-appliance check my-appliance.vapp --connect qemu:///system --virt-type qemu --json
            """)
        {
            appliance,
        };
        host.AddTo(command);
        CliApplication.SetHandler(command, globals, output, (context, _) =>
        {
            var report = context.Services.Host.Check(context.Get(appliance), host.Source(context), host.MatchOptions(context));
            if (context.Json)
                context.Output.Json(CheckJson.From(report));
            else
                Render(context.Output, report);
            if (report.Fits)
                return Task.FromResult(ExitCodes.Success);
            if (!context.Json)
            {
                foreach (var reason in report.Unmet)
                    context.Output.Error("  " + reason);
                context.Output.Error($"virt-appliance: {report.Appliance} does not fit this host");
            }
            return Task.FromResult(ExitCodes.HostMismatch);
        });
        return command;
    }

    private static void Render(Output output, HostCheckReport report)
    {
        var table = new Table().AddColumns("boot", "requirement", "wanted", "host has", "");
        foreach (var boot in report.Boots)
        {
            foreach (var requirement in boot.Requirements)
            {
                var mark = requirement.Status switch
                {
                    RequirementStatus.Met => "ok",
                    RequirementStatus.Warning => "ok (!)",
                    RequirementStatus.NotMet => "NO",
                    _ => "?",
                };
                table.AddRow(Markup.Escape($"{boot.Index} {boot.Type.ToString().ToLowerInvariant()} {boot.Arch}"),
                    Markup.Escape(requirement.Requirement), Markup.Escape(requirement.Wanted), Markup.Escape(requirement.HostHas), mark);
            }
        }
        output.Console.Write(table);
        if (report.Chosen is { } chosen)
            output.Line($"{report.Appliance} fits: boot {chosen.BootIndex} as a {chosen.DomainType.ToXml()} domain ({chosen.Arch}"
                + (chosen.Machine is null ? "" : $", machine {chosen.Machine}") + (chosen.Emulator is null ? "" : $", {chosen.Emulator}") + ")");
    }
}
