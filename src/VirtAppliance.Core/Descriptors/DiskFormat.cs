namespace VirtAppliance.Core.Descriptors;

public enum DiskFormat
{
    Raw,
    Qcow2,
    Qcow,
    Vmdk,
    Iso,
    Vdi,
    Vpc,
    Vhdx,
}
