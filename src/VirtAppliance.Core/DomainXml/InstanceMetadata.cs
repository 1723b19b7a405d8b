namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// What ties a libvirt domain to its appliance, kept in the domain's <c>&lt;metadata&gt;</c> as
/// <c>&lt;va:instance&gt;</c> in <see cref="Namespace"/>, so that <c>virsh dumpxml</c> alone says
/// where a VM came from.
/// </summary>
/// <param name="ApplianceName">The descriptor's name.</param>
/// <param name="Version">The appliance version, when it has one.</param>
/// <param name="Release">The appliance release, when it has one.</param>
/// <param name="PackageDigest">The digest of the package it was installed from (e.g. sha256:…), when known.</param>
public sealed record InstanceMetadata(string ApplianceName, string? Version, string? Release, string? PackageDigest)
{
    /// <summary>The XML namespace of the instance metadata.</summary>
    public const string Namespace = "https://virt-appliance.org/xmlns/instance/1";

    /// <summary>The prefix written for <see cref="Namespace"/>.</summary>
    public const string Prefix = "va";
}
