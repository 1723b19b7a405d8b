namespace VirtAppliance.Core.Services;

/// <summary>What gc removed: leftovers of interrupted store commands (staging, unindexed appliance folders) and instance folders no VM owned.</summary>
public sealed record GarbageCollected(int StoreLeftovers, IReadOnlyList<string> InstanceFolders)
{
    public int Removed => StoreLeftovers + InstanceFolders.Count;
}
