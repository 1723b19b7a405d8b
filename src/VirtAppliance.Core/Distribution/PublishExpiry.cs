namespace VirtAppliance.Core.Distribution;

/// <summary>How long each metadata file that publish signs stays valid.</summary>
public sealed record PublishExpiry(TimeSpan Targets, TimeSpan Snapshot, TimeSpan Timestamp)
{
    public static PublishExpiry Default { get; } = new(RepositoryPublisher.DefaultTargetsExpiry, RepositoryPublisher.DefaultSnapshotExpiry, RepositoryPublisher.DefaultTimestampExpiry);
}
