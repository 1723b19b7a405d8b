using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>An installed appliance found intact: its files are what was installed.</summary>
public sealed record InstalledCheck(InstalledAppliance Appliance, int Files);
