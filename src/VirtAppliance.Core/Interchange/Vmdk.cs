using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Interchange;

/// <summary>streamOptimized VMDKs, the disk format of OVA packages, made by the real qemu-img.</summary>
public static class Vmdk
{
    /// <summary>
    /// Converts an image to a streamOptimized VMDK (compressed grains, readable front to back, what VirtualBox and
    /// VMware expect in an OVA) with the LSI Logic adapter type the exported SCSI controller names.
    /// </summary>
    public static Task ConvertAsync(string source, string sourceFormat, string target, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("qemu-img", ["convert", "-f", sourceFormat, "-O", "vmdk", "-o", "subformat=streamOptimized,adapter_type=lsilogic", source, target],
            "check free space beside the output", cancellationToken);
}
