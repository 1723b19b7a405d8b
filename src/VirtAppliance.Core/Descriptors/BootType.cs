namespace VirtAppliance.Core.Descriptors;

public enum BootType
{
    /// <summary>Fully virtualized (<c>hvm</c>).</summary>
    Hvm,

    /// <summary>Xen paravirtualized (<c>xen</c>).</summary>
    Xen,
}
