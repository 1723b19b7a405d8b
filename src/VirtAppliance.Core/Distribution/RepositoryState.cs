namespace VirtAppliance.Core.Distribution;

/// <summary>What a repository folder publishes: the metadata versions, how many packages, and when the timestamp expires.</summary>
public sealed record RepositoryState(
    long RootVersion, long TargetsVersion, long SnapshotVersion, long TimestampVersion, int Packages, int Staged,
    IReadOnlyList<string> RootKeys, DateTimeOffset? TimestampExpires, IReadOnlyDictionary<string, long> MetadataBytes);
