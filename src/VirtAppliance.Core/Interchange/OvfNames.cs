namespace VirtAppliance.Core.Interchange;

/// <summary>The namespaces and URIs of OVF (DSP0243) and the extensions an import or export uses, in one place.</summary>
internal static class OvfNames
{
    public const string Envelope1 = "http://schemas.dmtf.org/ovf/envelope/1";
    public const string Envelope2 = "http://schemas.dmtf.org/ovf/envelope/2";
    public const string Rasd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData";
    public const string Vssd = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData";
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string Vmware = "http://www.vmware.com/schema/ovf";
    public const string VirtualBox = "http://www.virtualbox.org/ovf/machine";

    /// <summary>virt-appliance's own extension namespace: the section carrying the original descriptor, the parameter types.</summary>
    public const string Appliance = "https://virt-appliance.org/ovf/1";

    public const string StreamOptimizedVmdk = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized";

    /// <summary>An envelope namespace: DSP0243 1.x, 2.x, or oVirt's spelling of 1.x with a trailing slash.</summary>
    public static string? VersionOf(string ns) => ns.TrimEnd('/') switch
    {
        Envelope1 => "1",
        Envelope2 => "2",
        _ => null,
    };

    // CIM_ResourceAllocationSettingData.ResourceType values DSP0243 uses.
    public const int Processor = 3;
    public const int Memory = 4;
    public const int IdeController = 5;
    public const int ScsiController = 6;
    public const int EthernetAdapter = 10;
    public const int FloppyDrive = 14;
    public const int CdDrive = 15;
    public const int DvdDrive = 16;
    public const int DiskDrive = 17;
    public const int OtherStorage = 20;
    public const int UsbController = 23;
    public const int Graphics = 24;
    public const int Sound = 35;
}
