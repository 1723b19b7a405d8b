namespace VirtAppliance.Core.Recipes;

/// <summary>The phases of a build, in order; progress and timings are reported per phase.</summary>
public enum BuildPhase
{
    /// <summary>Recipe read and checked (descriptor, kickstart, puppet parser validate).</summary>
    Check,

    /// <summary>The root tree: packages (mmdebstrap), kickstart settings, Puppet, %post.</summary>
    Root,

    /// <summary>Kernel and initrd out of the root, file times fixed.</summary>
    Kernel,

    /// <summary>Partitions laid out and filled, disk images written.</summary>
    Disks,

    /// <summary>Checksums and the descriptor written.</summary>
    Descriptor,
}
