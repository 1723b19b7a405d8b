using System.Xml.Linq;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// What ties a libvirt domain to its appliance, kept in the domain's <c>&lt;metadata&gt;</c> as
/// <c>&lt;va:instance&gt;</c> in <see cref="MetadataNamespace.Instance"/> (the one definition, also used
/// by the hypervisor's metadata calls), so that <c>virsh dumpxml</c> alone says
/// where a VM came from.
/// </summary>
/// <param name="ApplianceName">The descriptor's name.</param>
/// <param name="Version">The appliance version, when it has one.</param>
/// <param name="Release">The appliance release, when it has one.</param>
/// <param name="PackageDigest">The digest of the package it was installed from (e.g. sha256:…), when known.</param>
public sealed record InstanceMetadata(string ApplianceName, string? Version, string? Release, string? PackageDigest)
{
    /// <summary>
    /// Reads the instance metadata from a whole domain XML (<c>virsh dumpxml</c>) or from the
    /// metadata element alone (what <c>virDomainGetMetadata</c> returns). Null when the domain
    /// carries none: it was not deployed by this tool.
    /// </summary>
    /// <exception cref="InvalidDataException">The XML is malformed, or the metadata has no appliance name.</exception>
    public static InstanceMetadata? Parse(string xml)
    {
        var root = SafeXml.Parse(xml, "The domain XML").Root!;
        XNamespace va = MetadataNamespace.Instance.Uri;
        var instance = root.Name == va + "instance"
            ? root
            : root.Element("metadata")?.Element(va + "instance");
        if (instance is null)
        {
            return null;
        }

        string? Text(string name) => instance.Element(va + name)?.Value.Trim() is { Length: > 0 } text ? text : null;
        var appliance = Text("appliance")
            ?? throw new InvalidDataException($"The instance metadata{SafeXml.Where(instance)} names no appliance.");
        return new InstanceMetadata(appliance, Text("version"), Text("release"), Text("digest"));
    }
}
