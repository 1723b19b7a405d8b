namespace VirtAppliance.Core.Distribution;

/// <summary>snapshot.json's signed part: the targets.json that belongs to this snapshot.</summary>
internal sealed record SnapshotMetadata(long Version, DateTimeOffset Expires, MetaFile Targets);
