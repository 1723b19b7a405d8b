using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>Domain life and metadata against libvirt's in-process test driver, one new domain per test.</summary>
public sealed class TestDriverDomainTests : IDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(30);
    private readonly IHypervisor hypervisor = new LibvirtConnector().Open("test:///default");

    public void Dispose() => hypervisor.Dispose();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void A_defined_domain_starts_is_destroyed_and_undefined()
    {
        // Given
        var name = TestDomainXml.UniqueName("life");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        domain.Info.Status.State.ShouldBe(DomainState.ShutOff);

        // When
        hypervisor.Start(name);
        var running = hypervisor.GetState(name);
        hypervisor.Destroy(name);
        var destroyed = hypervisor.GetState(name);
        hypervisor.Undefine(name);

        // Then
        running.ShouldBe(new DomainStatus(DomainState.Running, 1));
        running.ReasonName.ShouldBe("booted");
        destroyed.ShouldBe(new DomainStatus(DomainState.ShutOff, 2));
        destroyed.ReasonName.ShouldBe("destroyed");
        hypervisor.FindDomain(name).ShouldBeNull();
    }

    [Fact]
    public void Define_returns_the_name_and_uuid_libvirt_assigned()
    {
        // Given
        var name = TestDomainXml.UniqueName("define");

        // When
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));

        // Then
        domain.Info.Name.ShouldBe(name);
        hypervisor.FindDomain(domain.Info.Uuid).ShouldNotBeNull().Name.ShouldBe(name);
        hypervisor.ListDomains().ShouldContain(d => d.Name == name && d.Uuid == domain.Info.Uuid);
    }

    [Fact]
    public void The_xml_description_is_the_definition()
    {
        // Given
        var name = TestDomainXml.UniqueName("xml");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));

        // When
        var xml = XDocument.Parse(hypervisor.GetXml(name, inactive: true));

        // Then
        xml.Root!.Element("name")!.Value.ShouldBe(name);
        xml.Root.Element("uuid")!.Value.ShouldBe(domain.Info.Uuid.ToString("D"));
        xml.Root.Element("devices")!.Element("disk")!.Element("target")!.Attribute("dev")!.Value.ShouldBe("vda");
    }

    [Fact]
    public void Instance_metadata_defined_with_the_domain_is_read_back()
    {
        // Given a domain defined as the deploy engine defines one, with our record in its <metadata>
        var name = TestDomainXml.UniqueName("metadata");
        using var domain = ScopedDomain.Define(
            hypervisor, TestDomainXml.ForTestDriver(name, TestDomainXml.InstanceMetadata("tiny", "1.0")));

        // When
        var read = XElement.Parse(hypervisor.GetMetadata(name, MetadataNamespace.Instance).ShouldNotBeNull());

        // Then the element comes back (libvirt returns it without its namespace)
        read.Name.LocalName.ShouldBe("instance");
        read.Element("appliance")!.Value.ShouldBe("tiny");
        read.Element("version")!.Value.ShouldBe("1.0");
    }

    [Fact]
    public void Metadata_is_null_for_a_domain_that_carries_only_other_tools_metadata()
    {
        // Given a domain another tool defined (virt-install records the OS in libosinfo's namespace)
        var name = TestDomainXml.UniqueName("nometa");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name, """
            <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0"><libosinfo:os id="http://debian.org/debian/12"/></libosinfo:libosinfo>
            """));

        // When
        var read = hypervisor.GetMetadata(name, MetadataNamespace.Instance);

        // Then
        read.ShouldBeNull();
    }

    [Fact]
    public void Instance_metadata_is_read_while_the_domain_runs_and_after_it_stops()
    {
        // Given
        var name = TestDomainXml.UniqueName("livemeta");
        using var domain = ScopedDomain.Define(
            hypervisor, TestDomainXml.ForTestDriver(name, TestDomainXml.InstanceMetadata("tiny", "1.0")));
        hypervisor.Start(name);

        // When
        var live = hypervisor.GetMetadata(name, MetadataNamespace.Instance);
        hypervisor.Destroy(name);
        var stopped = hypervisor.GetMetadata(name, MetadataNamespace.Instance);

        // Then
        XElement.Parse(live.ShouldNotBeNull()).Element("appliance")!.Value.ShouldBe("tiny");
        XElement.Parse(stopped.ShouldNotBeNull()).Element("appliance")!.Value.ShouldBe("tiny");
    }

    [Fact]
    public void Block_info_reports_the_sizes_of_a_disk()
    {
        // Given the test driver's fixed answer for any disk: 1 TiB allocated, a little less visible
        var name = TestDomainXml.UniqueName("blk");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));

        // When
        var info = hypervisor.GetBlockInfo(name, "vda");

        // Then
        info.Physical.ShouldBe(1L << 40);
        info.Allocation.ShouldBe(1L << 40);
        info.Capacity.ShouldBe(1_099_506_450_432L);
    }

    [Fact]
    public async Task Waiting_for_running_completes_when_the_domain_is_started()
    {
        // Given a wait that begins while the domain is shut off
        var name = TestDomainXml.UniqueName("wait");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        var waiting = hypervisor.WaitForStateAsync(name, DomainState.Running, EventWait, Cancellation);
        await Task.Delay(100, Cancellation);
        waiting.IsCompleted.ShouldBeFalse();

        // When
        hypervisor.Start(name);

        // Then
        var status = await waiting;
        status.ShouldBe(new DomainStatus(DomainState.Running, 1));
    }

    [Fact]
    public async Task Waiting_for_a_state_the_domain_is_in_completes_at_once()
    {
        // Given
        var name = TestDomainXml.UniqueName("waitnow");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));

        // When
        var status = await hypervisor.WaitForStateAsync(name, DomainState.ShutOff, EventWait, Cancellation);

        // Then
        status.State.ShouldBe(DomainState.ShutOff);
    }

    [Fact]
    public async Task Waiting_past_the_timeout_throws_a_timeout_that_names_the_domain()
    {
        // Given a clock the test controls
        var clock = new FakeTimeProvider();
        using var timed = new LibvirtConnector(clock).Open("test:///default");
        var name = TestDomainXml.UniqueName("timeout");
        using var domain = ScopedDomain.Define(timed, TestDomainXml.ForTestDriver(name));
        var waiting = timed.WaitForStateAsync(name, DomainState.Running, TimeSpan.FromMinutes(5), Cancellation);

        // When
        clock.Advance(TimeSpan.FromMinutes(5));

        // Then
        var error = await Should.ThrowAsync<DomainStateTimeoutException>(waiting);
        error.DomainName.ShouldBe(name);
        error.LastState.ShouldBe(DomainState.ShutOff);
        error.Message.ShouldContain(name);
    }

    [Fact]
    public async Task Waiting_stops_when_the_caller_cancels()
    {
        // Given
        var name = TestDomainXml.UniqueName("cancel");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var waiting = hypervisor.WaitForStateAsync(name, DomainState.Running, EventWait, cancel.Token);

        // When
        await cancel.CancelAsync();

        // Then
        await Should.ThrowAsync<OperationCanceledException>(waiting);
    }
}
