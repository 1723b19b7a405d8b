namespace VirtAppliance.Core.DomainXml;

/// <summary>One <c>&lt;disk&gt;</c>; its <c>type=</c> follows from <see cref="Source"/>.</summary>
/// <param name="Device">disk or cdrom.</param>
/// <param name="Driver">The driver; its format is always written so libvirt never probes it.</param>
/// <param name="Source">Where the data is.</param>
/// <param name="Target">The device name and bus in the guest.</param>
/// <param name="ReadOnly">Writes <c>&lt;readonly/&gt;</c>.</param>
public sealed record DomainDisk(DiskDevice Device, DiskDriver Driver, DiskSource Source, DiskTarget Target, bool ReadOnly);
