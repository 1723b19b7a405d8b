using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

internal static class DomainXmlCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("APPLIANCE") { Description = "Descriptor file, appliance folder, .vapp package, or installed NAME[@VERSION]" };
        var name = new Option<string?>("--name", "-n") { Description = "The VM's name (default: the appliance's name)", HelpName = "VM" };
        var uuid = new Option<Guid?>("--uuid") { Description = "The VM's UUID (default: a new one)" };
        var network = new Option<string>("--network") { Description = "What the interfaces attach to, as deploy takes it: user (the default), network=NAME or bridge=BR", DefaultValueFactory = _ => "user", HelpName = "NET" };
        var consoleLog = new Option<string?>("--console-log") { Description = "Log the serial console to this file", HelpName = "FILE" };
        var host = new HostOptions();
        var command = new Command("domain-xml", """
            Print the libvirt domain XML a deploy of the appliance would define (with the appliance's
            own disk files; a deploy substitutes each VM's overlays). Exits 4 when no boot fits the host.

            Examples:
              virt-appliance domain-xml ./my-appliance --name web1
              virt-appliance domain-xml appliance.xml --capabilities caps.xml --boot 1 --virt-type qemu
            """)
        {
            appliance, name, uuid, network, consoleLog,
        };
        host.AddTo(command);
        CliApplication.SetHandler(command, globals, output, (context, _) =>
        {
            var xml = context.Services.Host.DomainXml(context.Get(appliance), host.Source(context), host.MatchOptions(context),
                context.Get(name), context.Get(uuid), context.Get(network)!, context.Get(consoleLog));
            if (context.Json)
                context.Output.Json(new { DomainXml = xml });
            else
                context.Output.Out.Write(xml);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
