using Shouldly;
using VirtAppliance.Core.Capabilities;
using Xunit;

namespace VirtAppliance.Core.Tests.Capabilities;

public class CapabilitiesParserTests
{
    [Fact]
    public void Virt_image_kvm_host_lists_every_guest_with_its_domain_types()
    {
        // Given / When
        var host = CapabilitiesTestData.Host(CapabilitiesTestData.Kvm);

        // Then
        host.Arch.ShouldBe("i686");
        host.MemoryKiB.ShouldBeNull();
        host.CpuCount.ShouldBeNull();
        host.Guests.Select(guest => guest.Arch).ShouldBe(["i686", "x86_64", "mips", "mipsel", "sparc", "ppc"]);
        host.Guests.ShouldAllBe(guest => guest.OsType == GuestOsType.Hvm);

        var i686 = host.Guests[0];
        i686.WordSize.ShouldBe(32);
        i686.Emulator.ShouldBe("/usr/bin/qemu");
        i686.Machines.Select(machine => machine.Name).ShouldBe(["pc", "isapc"]);
        i686.Domains.Select(domain => domain.Type).ShouldBe([VirtType.Qemu, VirtType.Kvm]);
        i686.EmulatorFor(i686.Domain(VirtType.Kvm)!).ShouldBe("/usr/bin/qemu-kvm");
        i686.EmulatorFor(i686.Domain(VirtType.Qemu)!).ShouldBe("/usr/bin/qemu");
        i686.MachinesFor(i686.Domain(VirtType.Kvm)!).Select(machine => machine.Name).ShouldBe(["pc", "isapc"]);
    }

    [Fact]
    public void Virt_image_kvm_host_features_keep_default_and_toggle()
    {
        // Given / When
        var i686 = CapabilitiesTestData.Host(CapabilitiesTestData.Kvm).Guests[0];

        // Then
        i686.Features.ShouldBe([
            new GuestFeatureCapability("pae", null, null),
            new GuestFeatureCapability("nonpae", null, null),
            new GuestFeatureCapability("acpi", true, true),
            new GuestFeatureCapability("apic", true, false),
        ]);
        i686.Feature("apic")!.Allows(false).ShouldBeFalse();
        i686.Feature("acpi")!.Allows(false).ShouldBeTrue();
        CapabilitiesTestData.Host(CapabilitiesTestData.Kvm).Guests[1].Features.ShouldBeEmpty();
    }

    [Fact]
    public void Virt_image_xen_host_has_paravirt_and_hvm_guests_with_hvmloader()
    {
        // Given / When
        var host = CapabilitiesTestData.Host(CapabilitiesTestData.Xen);

        // Then
        host.Arch.ShouldBe("x86_64");
        host.Guests.Select(guest => (guest.OsType, guest.Arch)).ShouldBe([
            (GuestOsType.Xen, "x86_64"), (GuestOsType.Xen, "i686"), (GuestOsType.Hvm, "i686"), (GuestOsType.Hvm, "x86_64"),
        ]);
        host.Guests.ShouldAllBe(guest => guest.Domains.Single().Type == VirtType.Xen);
        host.Guests[1].Feature("pae").ShouldNotBeNull();
        host.Guests[0].Feature("pae").ShouldBeNull();
        host.Guests[2].Loader.ShouldBe("/usr/lib/xen/boot/hvmloader");
        host.Guests[3].Emulator.ShouldBe("/usr/lib64/xen/bin/qemu-dm");
    }

    [Fact]
    public void Rhel_5_4_xen_host_counts_cpus_from_topology_but_reports_no_memory()
    {
        // Given / When
        var host = CapabilitiesTestData.Host(CapabilitiesTestData.Rhel54Xen);

        // Then
        host.CpuCount.ShouldBe(2);
        host.MemoryKiB.ShouldBeNull();
        host.GuestsFor(GuestOsType.Xen, "i686").Single().Machines.Single().Name.ShouldBe("xenpv");
        host.GuestsFor(GuestOsType.Hvm, "x86_64").Single().Feature("apic").ShouldBe(new GuestFeatureCapability("apic", true, true));
    }

    [Fact]
    public void Debian_12_host_reports_memory_cpus_and_canonical_machines()
    {
        // Given / When
        var host = CapabilitiesTestData.Host(CapabilitiesTestData.Debian12);

        // Then
        host.Arch.ShouldBe("x86_64");
        host.MemoryKiB.ShouldBe(5_859_540);
        host.CpuCount.ShouldBe(2);
        var x86_64 = host.GuestsFor(GuestOsType.Hvm, "x86_64").Single();
        x86_64.Emulator.ShouldBe("/usr/bin/qemu-system-x86_64");
        x86_64.Machines[0].ShouldBe(new MachineCapability("pc-i440fx-7.2", null, 255));
        x86_64.Machines.ShouldContain(new MachineCapability("pc", "pc-i440fx-7.2", 255));
        x86_64.Machines.ShouldContain(new MachineCapability("q35", "pc-q35-7.2", 288));
        x86_64.Domains.Select(domain => domain.Type).ShouldBe([VirtType.Qemu, VirtType.Kvm]);
        x86_64.Feature("pae").ShouldBeNull();
        host.GuestsFor(GuestOsType.Hvm, "i686").Single().Feature("nonpae").ShouldNotBeNull();
    }

    [Fact]
    public void Debian_12_qemu_domain_capabilities_offer_efi_firmware_and_buses()
    {
        // Given / When
        var domain = CapabilitiesTestData.Domain(CapabilitiesTestData.Debian12QemuX86_64);

        // Then
        domain.Type.ShouldBe(VirtType.Qemu);
        domain.Emulator.ShouldBe("/usr/bin/qemu-system-x86_64");
        domain.Machine.ShouldBe("pc-i440fx-7.2");
        domain.Arch.ShouldBe("x86_64");
        domain.MaxVcpus.ShouldBe(255);
        domain.Os!.Firmware.ShouldBe(["efi"]);
        domain.Os.Loader!.Values.ShouldBe(["/usr/share/OVMF/OVMF_CODE_4M.fd"]);
        domain.Os.Loader.Types.ShouldBe(["rom", "pflash"]);
        domain.DiskBuses.ShouldBe(["ide", "fdc", "scsi", "virtio", "usb", "sata"]);
        domain.DiskDevices.ShouldContain("cdrom");
        domain.HasEfiFirmware.ShouldBeTrue();
    }

    [Fact]
    public void Debian_12_i686_domain_capabilities_list_only_64_bit_ovmf_which_is_no_efi_for_i686()
    {
        // Given / When
        var domain = CapabilitiesTestData.Domain(CapabilitiesTestData.Debian12QemuI686);

        // Then
        domain.Os!.Firmware.ShouldBeEmpty();
        domain.Os.Loader!.Values.ShouldBe(["/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_CODE.secboot.fd"]);
        domain.EfiLoaderPaths.ShouldBeEmpty();
        domain.HasEfiFirmware.ShouldBeFalse();
    }

    [Fact]
    public void An_ovmf_loader_image_is_efi_for_its_own_arch_only()
    {
        // Given
        var loader = CapabilitiesTestData.LoaderOnlyX86_64.Os!.Loader!;

        // When / Then
        CapabilitiesTestData.LoaderOnlyX86_64.HasEfiFirmware.ShouldBeTrue();
        loader.EfiPathsFor("x86_64").ShouldBe(["/usr/share/OVMF/OVMF_CODE_4M.fd"]);
        loader.EfiPathsFor("i686").ShouldBe(["/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd"]);
        loader.EfiPathsFor("aarch64").ShouldBeEmpty();
    }

    [Fact]
    public void Kvm_domain_capabilities_name_their_type()
    {
        CapabilitiesTestData.Domain(CapabilitiesTestData.Debian12KvmX86_64).Type.ShouldBe(VirtType.Kvm);
    }

    [Fact]
    public void Domain_capabilities_without_firmware_have_no_efi()
    {
        // Given
        const string xml = """
            <domainCapabilities>
              <path>/usr/bin/qemu-system-x86_64</path><domain>qemu</domain><arch>x86_64</arch>
              <os supported='yes'><enum name='firmware'/><loader supported='yes'><enum name='type'><value>rom</value></enum></loader></os>
            </domainCapabilities>
            """;

        // When
        var domain = CapabilitiesParser.ParseDomain(xml);

        // Then
        domain.HasEfiFirmware.ShouldBeFalse();
        domain.MaxVcpus.ShouldBeNull();
        domain.DiskBuses.ShouldBeEmpty();
    }

    [Fact]
    public void Guests_of_other_os_types_are_left_out()
    {
        // Given: an LXC host
        const string xml = """
            <capabilities><host><cpu><arch>x86_64</arch></cpu></host>
              <guest><os_type>exe</os_type><arch name='x86_64'><wordsize>64</wordsize><domain type='lxc'/></arch></guest>
            </capabilities>
            """;

        // When / Then
        CapabilitiesParser.ParseHost(xml).Guests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("", "not well-formed")]
    [InlineData("<capabilities>", "not well-formed")]
    [InlineData("<domainCapabilities/>", "expected <capabilities>")]
    [InlineData("<capabilities/>", "has no <host>")]
    [InlineData("<capabilities><host><cpu/></host></capabilities>", "<cpu> has no <arch>")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type></guest></capabilities>", "<guest> has no <arch>")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch/></guest></capabilities>", "<arch> has no name")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x'><wordsize>sixty</wordsize></arch></guest></capabilities>", "'sixty' is not a whole number")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x'><domain/></arch></guest></capabilities>", "<domain> has no type")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu></host><guest><os_type>hvm</os_type><arch name='x'/><features><acpi default='maybe'/></features></guest></capabilities>", "default='maybe'")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells><cell><memory unit='parsec'>1</memory></cell></cells></topology></host></capabilities>", "unknown memory unit")]
    [InlineData("<capabilities><host><cpu><arch>x86_64</arch></cpu><topology><cells><cell><cpus num='-1'/></cell></cells></topology></host></capabilities>", "'-1' is not a whole number")]
    public void Malformed_host_capabilities_are_rejected_with_the_place(string xml, string problem)
    {
        // When
        var error = Should.Throw<InvalidDataException>(() => CapabilitiesParser.ParseHost(xml));

        // Then
        error.Message.ShouldContain(problem);
    }

    [Fact]
    public void Errors_name_line_and_column()
    {
        // Given
        const string xml = "<capabilities>\n  <host>\n    <cpu/>\n  </host>\n</capabilities>";

        // When
        var error = Should.Throw<InvalidDataException>(() => CapabilitiesParser.ParseHost(xml));

        // Then
        error.Message.ShouldContain("line 3, column 6");
    }

    [Theory]
    [InlineData("<domainCapabilities/>", "has no <domain>")]
    [InlineData("<domainCapabilities><domain>qemu</domain><vcpu max='lots'/></domainCapabilities>", "'lots' is not a whole number")]
    [InlineData("<capabilities/>", "expected <domainCapabilities>")]
    public void Malformed_domain_capabilities_are_rejected(string xml, string problem)
    {
        Should.Throw<InvalidDataException>(() => CapabilitiesParser.ParseDomain(xml)).Message.ShouldContain(problem);
    }

    [Fact]
    public void Document_type_declarations_are_refused()
    {
        // Given: the billion laughs start with a DTD
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE capabilities [<!ENTITY lol "lol">]>
            <capabilities><host><cpu><arch>&lol;</arch></cpu></host></capabilities>
            """;

        // When / Then
        Should.Throw<InvalidDataException>(() => CapabilitiesParser.ParseHost(xml)).Message.ShouldContain("DTD");
    }

    [Fact]
    public void Oversized_documents_are_refused_before_parsing()
    {
        // Given
        var xml = "<capabilities>" + new string(' ', 9 * 1024 * 1024) + "</capabilities>";

        // When / Then
        Should.Throw<InvalidDataException>(() => CapabilitiesParser.ParseHost(xml)).Message.ShouldContain("at most");
    }
}
