namespace VirtAppliance.Core.Interchange;

/// <summary>What an RPM of an appliance holds and where it installs.</summary>
/// <param name="Content">The appliance's files as the store keeps them (the kept manifest included).</param>
/// <param name="InstallPath">Where the files go on the target, e.g. /var/lib/appliances/appliances/NAME/VERSION-RELEASE.</param>
/// <param name="StoreRoot">The store root the scriptlets pass to the CLI (--root).</param>
/// <param name="Reference">NAME@VERSION-RELEASE, as the CLI names it.</param>
public sealed record RpmRequest(
    string Name, string Version, string Release, string Summary, string? Description,
    string Content, string InstallPath, string StoreRoot, string Reference);
