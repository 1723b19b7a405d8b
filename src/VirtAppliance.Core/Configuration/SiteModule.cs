namespace VirtAppliance.Core.Configuration;

/// <summary>
/// A site's Puppet module kept for one VM, outside the appliance: it goes onto the VM's config disk
/// (<c>puppet/modules/&lt;Name&gt;/</c>) and its classes into <c>puppet/classes</c>, which the
/// appliance's first-boot Puppet run includes after the appliance's own manifest.
/// </summary>
/// <param name="Name">The module name (its folder's name), a valid Puppet module name.</param>
/// <param name="Classes">The classes the VM's node includes, in order; each defined in the module.</param>
/// <param name="Digest">SHA-256 over the module's files (<see cref="SitePuppet.DigestAsync"/>), lower-case hex.</param>
public sealed record SiteModule(string Name, SiteModuleKind Kind, IReadOnlyList<string> Classes, string Digest)
{
    /// <summary>The first 12 hex digits of <see cref="Digest"/>, as listings show it and folder names carry it.</summary>
    public string ShortDigest => Digest.Length > 12 ? Digest[..12] : Digest;
}
