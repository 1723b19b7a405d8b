namespace VirtAppliance.Core.Deployment;

/// <summary>What became of the file system on a disk that grew.</summary>
public enum FileSystemGrowth
{
    /// <summary>The host grew it (the VM was off and the disk holds ext2/3/4 without a partition table).</summary>
    GrownByHost,

    /// <summary>The guest grew it at our request, through the QEMU guest agent.</summary>
    GrownByGuestAgent,

    /// <summary>Nothing we can do from outside: the guest sees a bigger disk and grows its own file system (at its next boot, or on the resize event).</summary>
    LeftToGuest,

    /// <summary>The disk did not change (it already had the size asked for).</summary>
    Unchanged,
}
