using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// Turns an appliance, the boot the host check chose and one VM's options into the libvirt domain
/// a deploy defines. See docs/domain-xml.md for the mapping and where it departs from virt-image.
/// </summary>
public static class DomainXmlGenerator
{
    /// <summary>The host bootloader virt-image used for <c>&lt;loader&gt;pygrub&lt;/loader&gt;</c>.</summary>
    public const string Pygrub = "/usr/bin/pygrub";

    /// <exception cref="InvalidInputException">
    /// The VM name breaks the <see cref="VmName"/> rule, a drive names a disk that does not exist, a disk
    /// is a legacy multi-file disk, or a target's prefix names no bus.
    /// </exception>
    public static DomainDefinition Generate(ApplianceDescriptor descriptor, HostChoice choice, InstanceOptions instance)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(instance);
        if (choice.BootIndex < 0 || choice.BootIndex >= descriptor.Boots.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(choice), choice.BootIndex, "The chosen boot is not one of this descriptor's.");
        }

        VmName.Check(instance.Name);
        var boot = descriptor.Boots[choice.BootIndex];
        var hvm = choice.OsType == GuestOsType.Hvm;
        var qemu = choice.DomainType is VirtType.Kvm or VirtType.Qemu;

        var disks = boot.Drives.Select(drive => Disk(descriptor, drive, instance, hvm, qemu)).ToList();
        if (instance.ConfigDisk is { } configDisk)
            disks.Add(ConfigDisk(configDisk, disks, hvm, qemu));
        var controllers = hvm && qemu && disks.Any(disk => disk.Target.Bus == DiskBus.Scsi)
            ? [new DomainController(ControllerType.Scsi, 0, "virtio-scsi")]
            : new List<DomainController>();

        var console = new PtyCharDeviceSource(instance.ConsoleLog, instance.ConsoleLogAppend);
        var devices = new DomainDevices(
            hvm ? choice.Emulator : null,
            disks,
            controllers,
            Enumerable.Range(0, descriptor.Devices.Interfaces).Select(index => Interface(instance, index, hvm && qemu)).ToList(),
            hvm ? [new DomainSerial(console, 0)] : [],
            [new DomainConsole(console, hvm ? ConsoleTarget.Serial : ConsoleTarget.Xen, 0)],
            descriptor.Devices.Graphics ? [new DomainGraphics(GraphicsType.Vnc, instance.GraphicsListen)] : [])
        {
            // Virtio-serial needs a virtio bus: QEMU/KVM fully virtual guests only.
            Channels = descriptor.Devices.GuestAgent && hvm && qemu ? [new DomainChannel(DomainChannel.GuestAgentName)] : [],
        };

        return new DomainDefinition(
            choice.DomainType,
            instance.Name,
            instance.Uuid,
            new InstanceMetadata(descriptor.Name ?? instance.Name, descriptor.Version, descriptor.Release, instance.PackageDigest),
            descriptor.Devices.MemoryKiB,
            descriptor.Devices.Vcpus,
            !hvm && boot.Os.Loader == "pygrub" ? Pygrub : null,
            Os(descriptor, boot, choice, hvm),
            Features(boot, hvm),
            hvm ? new DomainClock(ClockOffset.Utc) : null,
            LifecycleAction.Destroy,
            LifecycleAction.Restart,
            LifecycleAction.Destroy,
            devices);
    }

    private static DomainInterface Interface(InstanceOptions instance, int index, bool hvmOnQemu)
    {
        var mac = instance.FixedMacAddresses ? InstanceOptions.MacAddressFor(instance.Uuid, index) : null;
        if (instance.Network is not UserInterfaceSource user)
            return new DomainInterface(instance.Network, hvmOnQemu ? "virtio" : null, mac);
        if (!hvmOnQemu)
            throw new InvalidInputException("user-mode networking needs a QEMU/KVM hvm guest")
            {
                Hint = "attach the interfaces to a libvirt network or bridge: --network network=NAME or --network bridge=BR",
            };
        return new DomainInterface(new UserInterfaceSource([.. user.Forwards.Where(forward => forward.Interface == index)]), "virtio",
            InstanceOptions.MacAddressFor(instance.Uuid, index));
    }

    private static DomainOs Os(ApplianceDescriptor descriptor, BootDescriptor boot, HostChoice choice, bool hvm)
    {
        var type = new DomainOsType(choice.OsType, choice.Arch, hvm ? choice.Machine : null);
        var efi = hvm && choice.Firmware == Firmware.Efi;
        var firmware = efi && choice.EfiLoader is null ? OsFirmware.Efi : (OsFirmware?)null;
        var loader = efi && choice.EfiLoader is { } efiLoader ? new DomainLoader(efiLoader, LoaderType.Pflash, true)
            : hvm && boot.Os.LoaderPath is { } image ? new DomainLoader(descriptor.ResolvePath(image), LoaderType.Rom, true)
            : null;

        if (boot.Os.Kernel is { } kernel)
        {
            return new DomainOs(type, firmware, loader, [],
                descriptor.ResolvePath(kernel),
                boot.Os.Initrd is { } initrd ? descriptor.ResolvePath(initrd) : null,
                boot.Os.Cmdline);
        }

        // Paravirt guests boot through pygrub (the domain's bootloader), hvm ones from a device.
        return new DomainOs(type, firmware, loader, hvm ? [BootDeviceOf(boot.Os.LoaderDevice)] : [], null, null, null);
    }

    private static BootDevice BootDeviceOf(string? device) => device switch
    {
        null or "hd" => BootDevice.HardDisk,
        "cdrom" => BootDevice.Cdrom,
        "network" => BootDevice.Network,
        "fd" => BootDevice.Floppy,
        _ => throw new InvalidInputException($"The boot device '{device}' is not one of hd, cdrom, network, fd."),
    };

    /// <summary>
    /// hvm guests get ACPI (so that a shutdown powers them off) and APIC unless the boot turns them
    /// off, as virt-image did; PAE only when the boot asks. Paravirt guests have no ACPI or APIC.
    /// </summary>
    private static DomainFeatures? Features(BootDescriptor boot, bool hvm)
    {
        bool? Wanted(string name) => boot.Features.FirstOrDefault(feature => feature.Name == name)?.Enabled;
        var features = new DomainFeatures(
            Wanted("pae") ?? false,
            hvm && (Wanted("acpi") ?? true),
            hvm && (Wanted("apic") ?? true));
        return features.Any ? features : null;
    }

    private static DomainDisk Disk(ApplianceDescriptor descriptor, DriveMapping drive, InstanceOptions instance, bool hvm, bool qemu)
    {
        var disk = descriptor.FindDisk(drive.DiskId)
            ?? throw new InvalidInputException($"{drive.Location}: the drive names disk '{drive.DiskId}', which the storage section does not have.");
        var cdrom = disk.Format == DiskFormat.Iso;

        ResolvedDisk resolved;
        if (instance.Disks.TryGetValue(disk.Id, out var given))
        {
            resolved = given;
        }
        else if (disk.File is { } file)
        {
            resolved = new ResolvedDisk(descriptor.ResolvePath(file), disk.Format);
        }
        else if (disk.Partitions.Count > 0)
        {
            throw new InvalidInputException($"{disk.Location}: disk '{disk.Id}' is made of partition images, which cannot be attached to a VM.")
            {
                Hint = "join the partitions into one disk image and name it with file=",
            };
        }
        else
        {
            // A disk created at deploy: the deploy passes its path; a preview shows where it would be.
            resolved = new ResolvedDisk(descriptor.ResolvePath(disk.Id + ".img"), DiskFormat.Raw);
        }

        var bus = BusOf(drive);
        // virtio-blk cannot be a CD-ROM: an ISO on a vd* target goes on the SCSI bus instead.
        if (cdrom && bus == DiskBus.Virtio && hvm && qemu)
        {
            bus = DiskBus.Scsi;
        }

        return new DomainDisk(
            cdrom ? DiskDevice.Cdrom : DiskDevice.Disk,
            new DiskDriver(DiskDriverName.Qemu, resolved.Format),
            new FileDiskSource(resolved.Path),
            new DiskTarget(drive.Target, bus),
            cdrom);
    }

    /// <summary>The VM's config disk: read-only, on the next free target after the appliance's drives (vdX for QEMU guests).</summary>
    private static DomainDisk ConfigDisk(string path, IReadOnlyList<DomainDisk> disks, bool hvm, bool qemu)
    {
        var (prefix, bus) = !hvm ? ("xvd", DiskBus.Xen) : qemu ? ("vd", DiskBus.Virtio) : ("hd", DiskBus.Ide);
        var used = disks.Select(disk => disk.Target.Device).ToHashSet(StringComparer.Ordinal);
        var target = Enumerable.Range(0, 26).Select(index => prefix + (char)('a' + index)).FirstOrDefault(name => !used.Contains(name))
            ?? throw new InvalidInputException("no free disk target is left for the config disk") { Hint = "the appliance uses every target from a to z" };
        return new DomainDisk(DiskDevice.Disk, new DiskDriver(DiskDriverName.Qemu, DiskFormat.Raw), new FileDiskSource(path), new DiskTarget(target, bus), ReadOnly: true);
    }

    /// <summary>The bus from the target's prefix: vd → virtio, sd → scsi, hd → ide, xvd → xen.</summary>
    internal static DiskBus BusOf(DriveMapping drive) => drive.Target switch
    {
        var target when target.StartsWith("xvd", StringComparison.Ordinal) => DiskBus.Xen,
        var target when target.StartsWith("vd", StringComparison.Ordinal) => DiskBus.Virtio,
        var target when target.StartsWith("sd", StringComparison.Ordinal) => DiskBus.Scsi,
        var target when target.StartsWith("hd", StringComparison.Ordinal) => DiskBus.Ide,
        _ => throw new InvalidInputException($"{drive.Location}: the target '{drive.Target}' does not start with vd, sd, hd or xvd, so it names no bus."),
    };
}
