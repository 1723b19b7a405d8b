using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Services;

/// <summary>The host-stage actions (check, domain-xml), one method per action, so that every face (today the CLI) calls the same code.</summary>
public sealed class HostService(IHypervisorConnector connector, ApplianceService appliances)
{
    /// <summary>Every boot × requirement × what the host has; does not throw when nothing fits.</summary>
    public HostCheckReport Check(string appliance, HostSource host, HostMatchOptions options)
    {
        var descriptor = appliances.Validate(appliance).Require();
        var (capabilities, domainCapabilities) = ReadHost(host, descriptor, options.VirtType);
        return HostMatcher.Check(descriptor, capabilities, domainCapabilities, options);
    }

    /// <summary>The libvirt domain XML a deploy of <paramref name="appliance"/> would define, with the appliance's own files.</summary>
    public string DomainXml(string appliance, HostSource host, HostMatchOptions options, string? vmName, Guid? uuid, string network, string? consoleLog)
    {
        var loaded = appliances.Validate(appliance, ValidationPurpose.Describe);
        var descriptor = loaded.Require();
        var (capabilities, domainCapabilities) = ReadHost(host, descriptor, options.VirtType);
        var choice = HostMatcher.Check(descriptor, capabilities, domainCapabilities, options).RequireFit();
        var name = vmName ?? descriptor.Name ?? throw new InvalidInputException($"{loaded.Path}: the appliance has no name, so the VM needs one")
        {
            Hint = "pass --name VM",
        };
        var definition = DomainXmlGenerator.Generate(descriptor, choice, new InstanceOptions
        {
            Name = name,
            Uuid = uuid ?? Guid.NewGuid(),
            Network = InterfaceSource.Parse(network),
            ConsoleLog = consoleLog,
        });
        return DomainXmlWriter.Write(definition);
    }

    private (HostCapabilities Host, IReadOnlyList<DomainCapabilities> Domains) ReadHost(HostSource source, ApplianceDescriptor descriptor, VirtType? forced)
    {
        switch (source)
        {
            case HostSource.Files files:
                return (
                    CapabilitiesParser.ParseHost(ReadCapabilitiesFile(files.CapabilitiesPath)),
                    files.DomainCapabilitiesPaths.Select(path => CapabilitiesParser.ParseDomain(ReadCapabilitiesFile(path))).ToList());
            case HostSource.Connection connection:
                // Domain capabilities need a read-write connection (libvirt refuses them to read-only ones).
                using (var hypervisor = connector.Open(connection.Uri))
                {
                    var host = CapabilitiesParser.ParseHost(hypervisor.GetCapabilitiesXml());
                    return (host, HostProbe.DomainCapabilities(hypervisor, host, descriptor, forced));
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(source));
        }
    }

    private static string ReadCapabilitiesFile(string path)
    {
        if (!File.Exists(path))
            throw new NotFoundException($"{path}: no such capabilities file")
            {
                Hint = "save one with 'virsh capabilities > caps.xml' (or 'virsh domcapabilities > domcaps.xml')",
            };
        if (new FileInfo(path).Length > SafeXml.MaxCharacters)
            throw new InvalidInputException($"{path}: too large for a capabilities file (at most {SafeXml.MaxCharacters} bytes)");
        return File.ReadAllText(path);
    }
}
