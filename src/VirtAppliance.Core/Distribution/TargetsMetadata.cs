namespace VirtAppliance.Core.Distribution;

/// <summary>targets.json's signed part: every package offered, by file name.</summary>
internal sealed record TargetsMetadata(long Version, DateTimeOffset Expires, IReadOnlyDictionary<string, TargetEntry> Targets);
