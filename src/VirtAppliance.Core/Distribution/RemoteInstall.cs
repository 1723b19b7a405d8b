using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Distribution;

/// <summary>What 'install NAME' from a remote did: the target chosen, and the install (null when a newer or equal version was installed already).</summary>
/// <param name="Downloaded">The package downloaded and installed: the chosen full package, or a delta to it from a version the store holds (its Base is set); null when nothing was downloaded.</param>
/// <param name="DeltaFallback">Why a delta that was downloaded did not install, so the full package was downloaded instead; null otherwise.</param>
public sealed record RemoteInstall(RemoteTarget Chosen, InstallResult? Installed, InstalledAppliance? NewerInstalled, TargetEntry? Downloaded = null, string? DeltaFallback = null);
