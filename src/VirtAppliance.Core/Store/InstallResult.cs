namespace VirtAppliance.Core.Store;

/// <summary>What an install did.</summary>
/// <param name="Appliance">The installed appliance.</param>
/// <param name="AlreadyInstalled">True when the identical package was installed before (nothing changed).</param>
public sealed record InstallResult(InstalledAppliance Appliance, bool AlreadyInstalled);
