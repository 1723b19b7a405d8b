using Shouldly;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using Xunit;

namespace VirtAppliance.Core.Tests.Authoring;

/// <summary>Real libvirt domain XML (see TestData/README.md) mapped onto an appliance draft.</summary>
public class DomainImportTests
{
    private static ApplianceDraft Import(string file) =>
        DomainImport.FromXml(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Authoring", "TestData", file)), file);

    [Fact]
    public void An_hvm_domain_keeps_its_hardware_features_and_disks_with_their_targets_and_formats()
    {
        // When
        var draft = Import("image2guest_image-format-out.xml");

        // Then
        draft.Name.ShouldBe("TestGuest");
        draft.Boot.Type.ShouldBe(BootType.Hvm);
        draft.Boot.Arch.ShouldBe("i686");
        draft.Boot.Features.Select(feature => feature.Name).ShouldBe(["acpi", "apic"]);
        draft.Boot.Os.HasLoader.ShouldBeTrue();
        draft.Boot.Os.LoaderDevice.ShouldBe("hd");
        draft.Boot.Os.Kernel.ShouldBeNull();
        draft.Devices.MemoryKiB.ShouldBe(409600);
        draft.Devices.Vcpus.ShouldBe(5);
        draft.Devices.Graphics.ShouldBeTrue();
        draft.Devices.Interfaces.ShouldBe(0);
        draft.Disks.Select(disk => (disk.Target, disk.SourceFormat, disk.Role)).ShouldBe(
            [("hda", DiskFormat.Qcow2, DiskRole.System), ("hdb", DiskFormat.Qcow, DiskRole.User), ("hdd", DiskFormat.Vmdk, DiskRole.User)]);
        draft.Disks[0].Source.ShouldBe("REPLACEME/tests/image-xml/image-kernel.xml");
        draft.NotCarried.ShouldBeEmpty("emulator, input, console and a UTC clock are what every deploy makes itself");
    }

    [Fact]
    public void A_disk_without_a_driver_type_is_left_to_detection_and_pae_is_carried()
    {
        // When
        var draft = Import("image2guest_image-xenfv32.xml");

        // Then
        draft.Boot.Features.Select(feature => feature.Name).ShouldBe(["acpi", "apic", "pae"]);
        draft.Disks.ShouldAllBe(disk => disk.SourceFormat == null);
        draft.Disks.Select(disk => disk.Target).ShouldBe(["hda", "hdb", "hdd"]);
    }

    [Fact]
    public void A_xen_paravirt_domain_keeps_its_kernel_initrd_and_command_line()
    {
        // When
        var draft = Import("image2guest_image-xenpv32-kernel.xml");

        // Then
        draft.Boot.Type.ShouldBe(BootType.Xen);
        draft.Boot.Os.HasLoader.ShouldBeFalse();
        draft.Boot.Os.Kernel.ShouldBe("/foo/kernel");
        draft.Boot.Os.Initrd.ShouldBe("/foo/initrd");
        draft.Boot.Os.Cmdline.ShouldBe("ro quiet");
        draft.Boot.Features.Select(feature => feature.Name).ShouldBe(["pae"]);
        draft.Disks.Select(disk => disk.Target).ShouldBe(["xvda", "xvdb", "xvdc"]);
    }

    [Fact]
    public void A_xen_domain_booted_by_pygrub_keeps_pygrub_as_its_loader()
    {
        // When
        var draft = Import("image2guest_image-xenpv32.xml");

        // Then
        draft.Boot.Type.ShouldBe(BootType.Xen);
        draft.Boot.Os.HasLoader.ShouldBeTrue();
        draft.Boot.Os.Loader.ShouldBe("pygrub");
        draft.NotCarried.ShouldBeEmpty();
    }

    [Fact]
    public void What_libvirt_added_is_not_listed_and_what_is_host_or_site_specific_is()
    {
        // When
        var draft = Import("libvirt9-qemu-direct-kernel.xml");

        // Then the boot, hardware and disks are carried over
        draft.Label.ShouldBe("Tiny from a VM");
        draft.Boot.Os.Kernel.ShouldBe("/var/tmp/virt-appliance-fixtures/tiny-1.0/vmlinuz");
        draft.Boot.Os.Cmdline.ShouldBe("console=ttyS0");
        draft.Devices.MemoryKiB.ShouldBe(262144);
        draft.Devices.Interfaces.ShouldBe(1);
        draft.Devices.Graphics.ShouldBeFalse();
        draft.Disks.Select(disk => (disk.Target, disk.Role, disk.SourceFormat)).ShouldBe(
            [("vda", DiskRole.System, DiskFormat.Raw), ("vdb", DiskRole.User, DiskFormat.Raw)]);

        // And exactly these are listed as not carried over (controllers, input, audio, memballoon are not)
        draft.NotCarried.ShouldBe([
            "machine type 'pc-i440fx-7.2' (host-specific: deploy picks the host's)",
            "interface 1: MAC address 52:54:00:aa:bb:cc (deploy gives each VM its own)",
            "cdrom hdc (empty)",
            "rng (virtio)",
            "CPU mode host-model",
        ], ignoreOrder: true);
    }

    [Fact]
    public void UEFI_firmware_is_carried_and_its_variables_and_secure_boot_are_listed()
    {
        // Given an OVMF domain as virt-install defines one
        const string xml = """
            <domain type='kvm'>
              <name>uefi</name>
              <memory unit='GiB'>1</memory>
              <os>
                <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
                <loader readonly='yes' secure='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.ms.fd</loader>
                <nvram>/var/lib/libvirt/qemu/nvram/uefi_VARS.fd</nvram>
              </os>
              <features><acpi/><apic/><smm state='on'/></features>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/images/uefi.qcow2'/><target dev='sda' bus='sata'/></disk>
                <interface type='bridge'><source bridge='br0'/><model type='e1000e'/></interface>
              </devices>
            </domain>
            """;

        // When
        var draft = DomainImport.FromXml(xml, "domain uefi");

        // Then
        draft.Boot.Os.Firmware.ShouldBe(Firmware.Efi);
        draft.Devices.MemoryKiB.ShouldBe(1024 * 1024);
        draft.NotCarried.ShouldContain("UEFI secure boot (<loader secure='yes'>)");
        draft.NotCarried.ShouldContain("the UEFI variable store /var/lib/libvirt/qemu/nvram/uefi_VARS.fd (each VM starts with fresh variables)");
        draft.NotCarried.ShouldContain("features smm (a descriptor knows acpi, apic and pae)");
        draft.NotCarried.ShouldContain("interface 1: attached to bridge 'br0' (site-specific: deploy --network chooses)");
        draft.NotCarried.ShouldContain("interface 1: model e1000e (deploy uses virtio)");
    }

    [Fact]
    public void Malformed_domain_XML_is_invalid_input_with_its_line_and_column()
    {
        var error = Should.Throw<InvalidInputException>(() => DomainImport.FromXml("<domain>\n  <name>x</nam>\n</domain>", "domain x"));

        error.Message.ShouldContain("line 2");
    }

    [Fact]
    public void A_document_that_is_no_domain_is_invalid_input()
    {
        Should.Throw<InvalidInputException>(() => DomainImport.FromXml("<network><name>default</name></network>", "domain x"))
            .Message.ShouldContain("not <domain>");
    }

    [Fact]
    public void A_domain_with_no_disk_that_can_be_copied_is_invalid_input_with_a_hint()
    {
        const string xml = """
            <domain type='qemu'><name>x</name><memory>1024</memory><os><type>hvm</type></os>
              <devices><disk type='network' device='disk'><source protocol='nbd' name='x'/><target dev='vda'/></disk></devices>
            </domain>
            """;

        Should.Throw<InvalidInputException>(() => DomainImport.FromXml(xml, "domain x")).Hint.ShouldNotBeNull().ShouldContain("--disk");
    }

    [Fact]
    public void A_memory_size_that_is_no_number_is_reported_where_it_is()
    {
        const string xml = "<domain>\n<name>x</name>\n<memory unit='KiB'>lots</memory>\n<os><type>hvm</type></os>\n</domain>";

        var error = Should.Throw<InvalidInputException>(() => DomainImport.FromXml(xml, "domain x"));

        error.Message.ShouldContain("line 3, column 2");
    }
}
