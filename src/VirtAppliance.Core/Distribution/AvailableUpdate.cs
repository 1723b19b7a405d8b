namespace VirtAppliance.Core.Distribution;

/// <summary>A VM and the newest version its appliance has in the remotes (null when it runs the newest).</summary>
/// <param name="DownloadLength">How many bytes 'install' of the newest version would download (null when nothing newer, or it is installed already).</param>
/// <param name="DeltaFrom">When that download is a delta, the installed version (NAME@VERSION-RELEASE) it applies to.</param>
public sealed record AvailableUpdate(string Vm, string Appliance, string Runs, string? Newest, string? Remote, long? DownloadLength = null, string? DeltaFrom = null);
