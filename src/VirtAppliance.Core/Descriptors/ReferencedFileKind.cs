namespace VirtAppliance.Core.Descriptors;

public enum ReferencedFileKind
{
    Disk,
    Kernel,
    Initrd,
    Loader,
    Template,
}
