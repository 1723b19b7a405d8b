namespace VirtAppliance.Core.Distribution;

/// <summary>timestamp.json's signed part: the newest snapshot.json; short-lived, so a frozen mirror shows.</summary>
internal sealed record TimestampMetadata(long Version, DateTimeOffset Expires, MetaFile Snapshot);
