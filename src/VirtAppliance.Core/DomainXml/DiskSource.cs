namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// Where a disk's data is. A closed union: the writer derives <c>&lt;disk type=…&gt;</c> from the
/// case, so the attribute and the source element cannot disagree.
/// </summary>
public abstract record DiskSource
{
    // Only the cases below: nothing outside this assembly can add one the writer does not know.
    private protected DiskSource()
    {
    }
}
