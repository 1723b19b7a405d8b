using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Distribution;

/// <summary>What 'install NAME' from a remote did: the target chosen, and the install (null when a newer or equal version was installed already).</summary>
public sealed record RemoteInstall(RemoteTarget Chosen, InstallResult? Installed, InstalledAppliance? NewerInstalled);
