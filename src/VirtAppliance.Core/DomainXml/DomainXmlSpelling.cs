namespace VirtAppliance.Core.DomainXml;

/// <summary>The XML spelling of every domain XML enum, in one place.</summary>
public static class DomainXmlSpelling
{
    public static string ToXml(this OsFirmware value) => value switch
    {
        OsFirmware.Bios => "bios",
        OsFirmware.Efi => "efi",
        _ => throw Unknown(value),
    };

    public static string ToXml(this LoaderType value) => value switch
    {
        LoaderType.Rom => "rom",
        LoaderType.Pflash => "pflash",
        _ => throw Unknown(value),
    };

    public static string ToXml(this BootDevice value) => value switch
    {
        BootDevice.HardDisk => "hd",
        BootDevice.Cdrom => "cdrom",
        BootDevice.Network => "network",
        BootDevice.Floppy => "fd",
        _ => throw Unknown(value),
    };

    public static string ToXml(this ClockOffset value) => value switch
    {
        ClockOffset.Utc => "utc",
        ClockOffset.Localtime => "localtime",
        _ => throw Unknown(value),
    };

    public static string ToXml(this LifecycleAction value) => value switch
    {
        LifecycleAction.Destroy => "destroy",
        LifecycleAction.Restart => "restart",
        LifecycleAction.Preserve => "preserve",
        LifecycleAction.RenameRestart => "rename-restart",
        _ => throw Unknown(value),
    };

    public static string ToXml(this DiskDevice value) => value switch
    {
        DiskDevice.Disk => "disk",
        DiskDevice.Cdrom => "cdrom",
        _ => throw Unknown(value),
    };

    public static string ToXml(this DiskDriverName value) => value switch
    {
        DiskDriverName.Qemu => "qemu",
        _ => throw Unknown(value),
    };

    public static string ToXml(this DiskBus value) => value switch
    {
        DiskBus.Virtio => "virtio",
        DiskBus.Scsi => "scsi",
        DiskBus.Sata => "sata",
        DiskBus.Ide => "ide",
        DiskBus.Xen => "xen",
        DiskBus.Usb => "usb",
        _ => throw Unknown(value),
    };

    public static string ToXml(this ControllerType value) => value switch
    {
        ControllerType.Scsi => "scsi",
        _ => throw Unknown(value),
    };

    public static string ToXml(this ConsoleTarget value) => value switch
    {
        ConsoleTarget.Serial => "serial",
        ConsoleTarget.Xen => "xen",
        ConsoleTarget.Virtio => "virtio",
        _ => throw Unknown(value),
    };

    public static string ToXml(this GraphicsType value) => value switch
    {
        GraphicsType.Vnc => "vnc",
        GraphicsType.Spice => "spice",
        _ => throw Unknown(value),
    };

    /// <summary>The <c>type=</c> of a disk, derived from its source so that the two cannot disagree.</summary>
    public static string TypeOf(DiskSource source) => source switch
    {
        FileDiskSource => "file",
        BlockDiskSource => "block",
        NetworkDiskSource => "network",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown disk source."),
    };

    /// <summary>The <c>type=</c> of a serial port or console, derived from its source.</summary>
    public static string TypeOf(CharDeviceSource source) => source switch
    {
        PtyCharDeviceSource => "pty",
        FileCharDeviceSource => "file",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown character device source."),
    };

    /// <summary>Every value of <typeparamref name="T"/> with its spelling, for tests and readers.</summary>
    public static IReadOnlyList<(T Value, string Xml)> All<T>(Func<T, string> toXml)
        where T : struct, Enum => Enum.GetValues<T>().Select(value => (value, toXml(value))).ToList();

    private static ArgumentOutOfRangeException Unknown<T>(T value)
        where T : struct, Enum => new(nameof(value), value, $"{typeof(T).Name} has no XML spelling for this value.");
}
