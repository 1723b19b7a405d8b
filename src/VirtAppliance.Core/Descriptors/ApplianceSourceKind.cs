namespace VirtAppliance.Core.Descriptors;

/// <summary>What an APPLIANCE argument turned out to be.</summary>
public enum ApplianceSourceKind
{
    DescriptorFile,
    Folder,
    Package,
    Installed,
}
