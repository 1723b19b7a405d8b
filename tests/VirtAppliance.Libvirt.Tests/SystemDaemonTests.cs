using System.Diagnostics;
using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>
/// The binding against the real libvirtd (qemu:///system) and real QEMU under TCG. The domains
/// boot nothing (SeaBIOS waits for a boot device); <see cref="BootingApplianceTests"/> boots a real
/// appliance. Fails, never skips, when libvirtd is missing.
/// </summary>
public sealed class SystemDaemonTests : IDisposable
{
    private static readonly TimeSpan StateWait = TimeSpan.FromMinutes(3);
    private readonly IHypervisor hypervisor = SystemDaemon.Connect();

    public void Dispose() => hypervisor.Dispose();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_qemu_domain_is_defined_started_asked_to_shut_down_destroyed_and_undefined()
    {
        // Given (one domain for the whole life: each define makes libvirtd check QEMU's capabilities,
        // which takes minutes on a busy machine)
        var name = TestDomainXml.UniqueName("qemu");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForQemu(name));
        domain.Info.Status.State.ShouldBe(DomainState.ShutOff);

        // When
        var running = hypervisor.WaitForStateAsync(name, DomainState.Running, StateWait, Cancellation);
        hypervisor.Start(name);
        var runningStatus = await running;
        hypervisor.Shutdown(name);
        var afterShutdownRequest = hypervisor.GetState(name);
        var shutOff = hypervisor.WaitForStateAsync(name, DomainState.ShutOff, StateWait, Cancellation);
        hypervisor.Destroy(name);
        var shutOffStatus = await shutOff;
        hypervisor.Undefine(name);

        // Then (nothing in the guest answers the ACPI power button, so it runs until destroyed)
        runningStatus.ShouldBe(new DomainStatus(DomainState.Running, 1));
        afterShutdownRequest.IsActive.ShouldBeTrue();
        shutOffStatus.ShouldBe(new DomainStatus(DomainState.ShutOff, 2));
        hypervisor.FindDomain(name).ShouldBeNull();
    }

    [Fact]
    public async Task A_killed_qemu_process_is_seen_as_shut_off_through_events()
    {
        // Given a running domain and the pid libvirt recorded for its QEMU
        var name = TestDomainXml.UniqueName("crash");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForQemu(name));
        hypervisor.Start(name);
        await hypervisor.WaitForStateAsync(name, DomainState.Running, StateWait, Cancellation);
        var pid = int.Parse((await File.ReadAllTextAsync($"/run/libvirt/qemu/{name}.pid", Cancellation)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var stopped = hypervisor.WaitForStateAsync(name, DomainState.ShutOff, StateWait, Cancellation);

        // When this test's own QEMU dies behind libvirt's back
        using (var qemu = Process.GetProcessById(pid))
        {
            qemu.Kill();
        }

        // Then
        var status = await stopped;
        status.State.ShouldBe(DomainState.ShutOff);
        status.ReasonName.ShouldBeOneOf("crashed", "failed", "shutdown", "unknown");
    }

    [Fact]
    public async Task Instance_metadata_defined_with_a_qemu_domain_is_read_while_it_runs()
    {
        // Given a running domain defined with our record in its <metadata>
        var name = TestDomainXml.UniqueName("meta");
        using var domain = ScopedDomain.Define(
            hypervisor, TestDomainXml.ForQemu(name, metadata: TestDomainXml.InstanceMetadata("tiny", "2.0")));
        hypervisor.Start(name);
        await hypervisor.WaitForStateAsync(name, DomainState.Running, StateWait, Cancellation);

        // When (a running domain answers from its live definition)
        var read = hypervisor.GetMetadata(name, MetadataNamespace.Instance);

        // Then
        var instance = XElement.Parse(read.ShouldNotBeNull());
        instance.Element("appliance")!.Value.ShouldBe("tiny");
        instance.Element("version")!.Value.ShouldBe("2.0");
    }

    [Fact]
    public async Task Block_info_reports_a_qcow2_disks_virtual_size()
    {
        // Given a 64 MiB qcow2 disk the libvirt-qemu user can read
        using var folder = SystemDaemon.CreateScratchFolder();
        var disk = Path.Combine(folder.Path, "disk.qcow2");
        await ExternalTool.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", disk, "64M"], null, Cancellation);
        var name = TestDomainXml.UniqueName("blk");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForQemu(name, disk));

        // When
        var info = hypervisor.GetBlockInfo(name, "vda");

        // Then
        info.Capacity.ShouldBe(64L * 1024 * 1024);
        info.Physical.ShouldBe(new FileInfo(disk).Length);
        info.Allocation.ShouldBeLessThan(info.Capacity);
    }

    [Fact]
    public void Domain_capabilities_describe_qemu_under_tcg()
    {
        // When
        var capabilities = XDocument.Parse(hypervisor.GetDomainCapabilitiesXml(arch: "x86_64", virtType: "qemu"));

        // Then
        capabilities.Root!.Name.LocalName.ShouldBe("domainCapabilities");
        capabilities.Root.Element("domain")!.Value.ShouldBe("qemu");
        capabilities.Root.Element("arch")!.Value.ShouldBe("x86_64");
    }

    [Fact]
    public void The_system_daemons_capabilities_offer_x86_64_guests()
    {
        // When
        var capabilities = XDocument.Parse(hypervisor.GetCapabilitiesXml());

        // Then
        capabilities.Root!.Elements("guest")
            .ShouldContain(g => g.Element("arch")!.Attribute("name")!.Value == "x86_64");
    }
}
