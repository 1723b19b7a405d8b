namespace VirtAppliance.Core.Descriptors;

public enum Firmware
{
    Bios,
    Efi,
}
