using Shouldly;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using Xunit;
using static VirtAppliance.Core.Tests.Capabilities.CapabilitiesTestData;

namespace VirtAppliance.Core.Tests.Capabilities;

public class HostMatcherTests
{
    private static HostCheckReport Check(ApplianceDescriptor descriptor, string hostFile, HostMatchOptions? options = null) =>
        HostMatcher.Check(descriptor, Host(hostFile), DomainsFor(hostFile), options);

    private static RequirementCheck Row(BootCheck boot, string requirement) =>
        boot.Requirements.Single(row => row.Requirement == requirement);

    [Fact]
    public void Xen_host_runs_the_first_boot_of_image_xml_paravirtualized_with_pygrub()
    {
        // Given / When
        var report = Check(TestDescriptors.Reference("image.xml"), Xen);

        // Then
        report.Fits.ShouldBeTrue();
        report.Chosen.ShouldBe(new HostChoice(0, GuestOsType.Xen, "i686", VirtType.Xen, null, null, Firmware.Bios, null));
        report.Boots.Count.ShouldBe(2);
        report.Boots[0].Requirements.Select(row => row.Requirement).ShouldBe(["os-type", "arch", "domain-type", "feature:pae", "memory", "vcpus"]);
        Row(report.Boots[0], "feature:pae").Status.ShouldBe(RequirementStatus.Met);
    }

    [Fact]
    public void Kvm_host_skips_the_xen_boot_and_runs_the_hvm_boot_under_kvm()
    {
        // Given / When
        var report = Check(TestDescriptors.Reference("image.xml"), Debian12);

        // Then the first boot that fits, in document order, as virt-image chose
        report.Boots[0].Fits.ShouldBeFalse();
        report.Boots[0].Unmet.ShouldBe(["The boot is for Xen paravirtualization (xen); this host offers no Xen paravirtual guests."]);
        report.Chosen.ShouldBe(new HostChoice(1, GuestOsType.Hvm, "i686", VirtType.Kvm, "/usr/bin/qemu-system-i386", "pc", Firmware.Bios, null));
    }

    [Fact]
    public void More_vcpus_than_host_cpus_is_a_warning_not_a_mismatch()
    {
        // Given image.xml wants 7 vCPUs, this host has 2
        var report = Check(TestDescriptors.Reference("image.xml"), Debian12);

        // When
        var vcpus = Row(report.Boots[1], "vcpus");

        // Then
        vcpus.Status.ShouldBe(RequirementStatus.Warning);
        vcpus.HostHas.ShouldBe("2 host CPUs");
        vcpus.Reason.ShouldBe("The appliance wants 7 vCPUs on 2 host CPUs: they share the CPUs and run slower.");
        report.Fits.ShouldBeTrue();
    }

    [Fact]
    public void Virt_type_forced_to_qemu_is_used_where_kvm_is_listed_but_broken()
    {
        // Given
        var options = new HostMatchOptions { VirtType = VirtType.Qemu };

        // When
        var report = Check(TestDescriptors.Hvm(), Debian12, options);

        // Then
        report.Chosen!.DomainType.ShouldBe(VirtType.Qemu);
        report.Chosen.Emulator.ShouldBe("/usr/bin/qemu-system-x86_64");
        Row(report.Boots[0], "domain-type").Wanted.ShouldBe("qemu (forced)");
    }

    [Fact]
    public void Old_kvm_host_gives_kvm_its_own_emulator()
    {
        // Given / When
        var report = Check(TestDescriptors.Reference("image-format.xml"), Kvm);

        // Then
        report.Chosen.ShouldBe(new HostChoice(0, GuestOsType.Hvm, "i686", VirtType.Kvm, "/usr/bin/qemu-kvm", "pc", Firmware.Bios, null));
        Row(report.Boots[0], "memory").Status.ShouldBe(RequirementStatus.Unknown);
        Row(report.Boots[0], "vcpus").Status.ShouldBe(RequirementStatus.Unknown);
    }

    [Fact]
    public void Forcing_a_domain_type_the_host_lacks_is_a_mismatch_that_says_so()
    {
        // Given
        var options = new HostMatchOptions { VirtType = VirtType.Xen };

        // When
        var report = Check(TestDescriptors.Hvm(), Debian12, options);

        // Then
        report.Fits.ShouldBeFalse();
        report.Unmet.ShouldBe([
            "boot 0 (hvm x86_64): The domain type xen was forced (--virt-type or VIRT_APPLIANCE_VIRT_TYPE), but this host offers qemu, kvm for hvm x86_64 guests.",
        ]);
        Should.Throw<HostMismatchException>(report.RequireFit).Hint!.ShouldContain("try without it");
    }

    [Fact]
    public void Wrong_arch_is_a_mismatch_naming_the_arches_the_host_has()
    {
        // Given / When
        var report = Check(TestDescriptors.Hvm(arch: "aarch64"), Debian12);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "arch").ShouldBe(new RequirementCheck("arch", "aarch64", "i686, x86_64", RequirementStatus.NotMet,
            "The boot needs an aarch64 guest; this host runs hvm guests only for i686, x86_64."));
    }

    [Fact]
    public void Xen_only_appliance_does_not_fit_a_kvm_host()
    {
        // Given image-kernel.xml has only a xen boot
        var report = Check(TestDescriptors.Reference("image-kernel.xml"), Debian12);

        // When
        var error = Should.Throw<HostMismatchException>(report.RequireFit);

        // Then
        error.Message.ShouldBe("No boot of test-image fits this host.");
        error.Unmet.ShouldBe([
            "boot 0 (xen i686): The boot is for Xen paravirtualization (xen); this host offers no Xen paravirtual guests.",
        ]);
    }

    [Fact]
    public void Xen_paravirt_boot_cannot_be_forced_onto_qemu()
    {
        // Given / When
        var report = Check(TestDescriptors.Reference("image-kernel.xml"), Xen, new HostMatchOptions { VirtType = VirtType.Qemu });

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "domain-type").Reason.ShouldBe(
            "The domain type qemu was forced (--virt-type or VIRT_APPLIANCE_VIRT_TYPE), but a Xen paravirtual boot runs only on xen.");
    }

    private const string NonPaeHost = """
        <capabilities>
          <host><cpu><arch>i686</arch></cpu></host>
          <guest>
            <os_type>hvm</os_type>
            <arch name='i686'><wordsize>32</wordsize><emulator>/usr/bin/qemu</emulator><domain type='qemu'/><machine>pc</machine></arch>
            <features><nonpae/><acpi default='on' toggle='yes'/><apic default='on' toggle='no'/></features>
          </guest>
        </capabilities>
        """;

    [Fact]
    public void Pae_required_on_a_host_with_only_non_pae_guests_is_a_mismatch()
    {
        // Given
        var host = CapabilitiesParser.ParseHost(NonPaeHost);

        // When
        var report = HostMatcher.Check(TestDescriptors.Hvm(arch: "i686", features: "<pae/>"), host, []);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "feature:pae").ShouldBe(new RequirementCheck("feature:pae", "on", "non-PAE guests only", RequirementStatus.NotMet,
            "The boot needs PAE; this host runs i686 guests only without PAE."));
    }

    [Fact]
    public void Pae_off_fits_a_non_pae_host_but_never_a_64_bit_guest()
    {
        // Given
        var nonPae = CapabilitiesParser.ParseHost(NonPaeHost);

        // When
        var i686 = HostMatcher.Check(TestDescriptors.Hvm(arch: "i686", features: "<pae state='off'/>"), nonPae, []);
        var x86_64 = Check(TestDescriptors.Hvm(features: "<pae state='off'/>"), Debian12);

        // Then
        i686.Fits.ShouldBeTrue();
        x86_64.Fits.ShouldBeFalse();
        Row(x86_64.Boots[0], "feature:pae").Reason.ShouldBe("The boot needs a guest without PAE; x86_64 guests always use PAE.");
    }

    [Fact]
    public void Pae_is_implied_for_64_bit_guests_even_where_the_host_does_not_list_it()
    {
        Row(Check(TestDescriptors.Hvm(features: "<pae/>"), Debian12).Boots[0], "feature:pae")
            .ShouldBe(new RequirementCheck("feature:pae", "on", "64-bit guests always use PAE", RequirementStatus.Met, null));
    }

    [Fact]
    public void Apic_off_is_a_mismatch_where_the_host_cannot_switch_it_off()
    {
        // Given / When
        var report = Check(TestDescriptors.Hvm(features: "<acpi/><apic state='off'/>"), Debian12);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "feature:apic").ShouldBe(new RequirementCheck("feature:apic", "off", "always on", RequirementStatus.NotMet,
            "The boot needs APIC off; this host has it on and cannot switch it off."));
        Row(report.Boots[0], "feature:acpi").HostHas.ShouldBe("on by default, can be switched off");
    }

    [Fact]
    public void Uefi_fits_where_libvirt_offers_efi_firmware()
    {
        // Given / When
        var report = Check(TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>"), Debian12);

        // Then
        report.Chosen!.Firmware.ShouldBe(Firmware.Efi);
        report.Chosen.EfiLoader.ShouldBeNull();
        Row(report.Boots[0], "firmware").HostHas.ShouldBe("efi (libvirt picks the firmware)");
    }

    [Fact]
    public void Uefi_uses_an_ovmf_loader_where_libvirt_cannot_pick_firmware()
    {
        // Given an emulator that lists OVMF images but offers no firmware='efi'
        var report = HostMatcher.Check(
            TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>"), Host(Debian12), [LoaderOnlyX86_64], new HostMatchOptions { VirtType = VirtType.Qemu });

        // Then
        report.Chosen!.EfiLoader.ShouldBe("/usr/share/OVMF/OVMF_CODE_4M.fd");
    }

    [Fact]
    public void Uefi_for_i686_needs_32_bit_firmware_which_this_host_lacks()
    {
        // Given the i686 emulator here lists only the 64-bit OVMF images
        var report = Check(TestDescriptors.Hvm(arch: "i686", os: "<firmware>efi</firmware><loader dev='hd'/>"), Debian12);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "firmware").Reason.ShouldBe(
            "The boot needs 32-bit UEFI firmware; none is installed on this host (on Debian: apt-get install ovmf-ia32).");
    }

    [Fact]
    public void Uefi_required_where_no_firmware_is_installed_is_a_mismatch()
    {
        // Given a host whose emulator has no UEFI firmware
        const string noFirmware = """
            <domainCapabilities>
              <path>/usr/bin/qemu-system-x86_64</path><domain>qemu</domain><machine>pc-i440fx-7.2</machine><arch>x86_64</arch>
              <vcpu max='255'/>
              <os supported='yes'><enum name='firmware'/><loader supported='yes'><enum name='type'><value>rom</value><value>pflash</value></enum></loader></os>
            </domainCapabilities>
            """;

        // When
        var report = HostMatcher.Check(
            TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>"),
            Host(Debian12),
            [CapabilitiesParser.ParseDomain(noFirmware)],
            new HostMatchOptions { VirtType = VirtType.Qemu });

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "firmware").ShouldBe(new RequirementCheck("firmware", "efi", "BIOS only", RequirementStatus.NotMet,
            "The boot needs UEFI firmware for x86_64; none is installed on this host (on Debian: apt-get install ovmf)."));
    }

    [Fact]
    public void Uefi_without_domain_capabilities_cannot_be_promised()
    {
        // Given / When
        var report = Check(TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>"), Kvm);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "firmware").Reason!.ShouldContain("no domain capabilities were read for x86_64");
    }

    [Fact]
    public void Memory_larger_than_the_host_is_a_mismatch()
    {
        // Given
        var descriptor = TestDescriptors.Hvm(devices: "<vcpu>1</vcpu><memory unit='GiB'>8</memory>");

        // When
        var report = Check(descriptor, Debian12);

        // Then
        report.Fits.ShouldBeFalse();
        Row(report.Boots[0], "memory").ShouldBe(new RequirementCheck("memory", "8 GiB", "5.6 GiB", RequirementStatus.NotMet,
            "The appliance needs 8 GiB of memory; the host has 5.6 GiB in all."));
    }

    [Fact]
    public void Declared_requirements_are_checked_against_the_host()
    {
        // Given an appliance that gives its VM 256 MiB but needs a host with 16 GiB and 4 CPUs
        var descriptor = TestDescriptors.Hvm(extra: "<requirements><memory unit='GiB'>16</memory><vcpus>4</vcpus></requirements>");

        // When
        var report = Check(descriptor, Debian12);

        // Then
        report.Boots[0].Unmet.ShouldBe([
            "The appliance needs 16 GiB of memory; the host has 5.6 GiB in all.",
            "The appliance requires at least 4 host CPUs; the host has 2 host CPUs.",
        ]);
    }

    [Fact]
    public void Vcpus_beyond_the_machine_limit_are_a_mismatch()
    {
        // Given / When
        var report = Check(TestDescriptors.Hvm(devices: "<vcpu>300</vcpu><memory unit='MiB'>256</memory>"), Debian12);

        // Then
        Row(report.Boots[0], "vcpus").Reason.ShouldBe("The appliance wants 300 vCPUs; the pc machine takes at most 255.");
    }

    [Fact]
    public void A_requested_boot_is_used_even_when_an_earlier_one_fits()
    {
        // Given image.xml on the xen host: both boots fit
        var report = Check(TestDescriptors.Reference("image.xml"), Xen, new HostMatchOptions { BootIndex = 1 });

        // Then
        report.Chosen!.BootIndex.ShouldBe(1);
        report.Chosen.OsType.ShouldBe(GuestOsType.Hvm);
        report.Chosen.Emulator.ShouldBe("/usr/lib/xen/bin/qemu-dm");
    }

    [Fact]
    public void A_requested_boot_that_does_not_fit_is_not_replaced_by_another()
    {
        // Given / When
        var report = Check(TestDescriptors.Reference("image.xml"), Debian12, new HostMatchOptions { BootIndex = 0 });

        // Then
        report.Fits.ShouldBeFalse();
        report.Unmet.ShouldAllBe(reason => reason.StartsWith("boot 0 ", StringComparison.Ordinal));
        Should.Throw<HostMismatchException>(report.RequireFit).Message.ShouldBe("Boot 0 of test-image does not fit this host.");
    }

    [Fact]
    public void A_boot_index_that_does_not_exist_is_invalid_input()
    {
        Should.Throw<InvalidInputException>(() => Check(TestDescriptors.Reference("image.xml"), Xen, new HostMatchOptions { BootIndex = 2 }))
            .Message.ShouldBe("test-image has 2 boot(s); there is no boot 2.");
    }

    [Theory]
    [InlineData("qemu", "kvm", "xen", VirtType.Qemu)]
    [InlineData(null, "kvm", "xen", VirtType.Kvm)]
    [InlineData(null, null, "xen", VirtType.Xen)]
    [InlineData("", "", "", null)]
    [InlineData(null, null, null, null)]
    public void Virt_type_comes_from_option_then_environment_then_configuration(string? option, string? environment, string? configured, VirtType? expected)
    {
        HostMatchOptions.ResolveVirtType(option, name => name == HostMatchOptions.VirtTypeVariable ? environment : null, configured)
            .ShouldBe(expected);
    }

    [Fact]
    public void An_unknown_virt_type_in_the_environment_is_invalid_input_naming_the_variable()
    {
        Should.Throw<InvalidInputException>(() => HostMatchOptions.ResolveVirtType(null, _ => "vmware", null))
            .Message.ShouldBe("'vmware' from VIRT_APPLIANCE_VIRT_TYPE is not a domain type this tool can use.");
    }

    public static TheoryData<string, string> ReferenceDescriptorsOnHosts()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in TestDescriptors.ReferenceFiles())
        {
            foreach (var host in HostFiles)
            {
                data.Add(file, host);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceDescriptorsOnHosts))]
    public void Every_reference_descriptor_gets_a_full_report_on_every_host(string file, string hostFile)
    {
        // Given / When
        var report = Check(TestDescriptors.Reference(file), hostFile);

        // Then every boot is listed; a fit has a chosen domain type the host offers; a misfit says why
        report.Boots.Count.ShouldBe(TestDescriptors.Reference(file).Boots.Count);
        if (report.Chosen is { } chosen)
        {
            Host(hostFile).GuestsFor(chosen.OsType, chosen.Arch).ShouldContain(guest => guest.Domain(chosen.DomainType) != null);
        }
        else
        {
            report.Unmet.ShouldNotBeEmpty();
        }
    }
}
