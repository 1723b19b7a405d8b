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
    public void Instance_metadata_round_trips_in_our_namespace()
    {
        // Given
        var name = TestDomainXml.UniqueName("metadata");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        var ns = MetadataNamespace.Instance;

        // When
        hypervisor.SetMetadata(name, ns, "<instance appliance='tiny' version='1.0' release='1'/>");
        var read = XElement.Parse(hypervisor.GetMetadata(name, ns).ShouldNotBeNull());

        // Then the element comes back (libvirt returns it without its namespace), and the domain
        // XML carries it in our namespace with our prefix
        read.Name.LocalName.ShouldBe("instance");
        read.Attribute("appliance")!.Value.ShouldBe("tiny");
        read.Attribute("version")!.Value.ShouldBe("1.0");
        var stored = XDocument.Parse(hypervisor.GetXml(name, inactive: true)).Root!.Element("metadata")!.Elements().ShouldHaveSingleItem();
        stored.Name.ShouldBe(XName.Get("instance", ns.Uri));
        stored.GetPrefixOfNamespace(ns.Uri).ShouldBe("va");
    }

    [Fact]
    public void Metadata_is_null_before_it_is_set_and_after_it_is_removed()
    {
        // Given
        var name = TestDomainXml.UniqueName("nometa");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        var before = hypervisor.GetMetadata(name, MetadataNamespace.Instance);
        hypervisor.SetMetadata(name, MetadataNamespace.Instance, "<instance appliance='tiny'/>");

        // When
        hypervisor.SetMetadata(name, MetadataNamespace.Instance, null);

        // Then
        before.ShouldBeNull();
        hypervisor.GetMetadata(name, MetadataNamespace.Instance).ShouldBeNull();
    }

    [Fact]
    public void Metadata_set_while_running_survives_a_stop()
    {
        // Given
        var name = TestDomainXml.UniqueName("livemeta");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        hypervisor.Start(name);

        // When
        hypervisor.SetMetadata(name, MetadataNamespace.Instance, "<instance appliance='tiny'/>");
        var live = hypervisor.GetMetadata(name, MetadataNamespace.Instance);
        hypervisor.Destroy(name);

        // Then
        live.ShouldNotBeNull();
        hypervisor.GetMetadata(name, MetadataNamespace.Instance).ShouldNotBeNull().ShouldContain("appliance=\"tiny\"");
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
    public async Task Lifecycle_events_fire_when_a_domain_starts_and_is_destroyed()
    {
        // Given
        var name = TestDomainXml.UniqueName("events");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        var started = new TaskCompletionSource<DomainLifecycleEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource<DomainLifecycleEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLifecycle(object? sender, DomainLifecycleEvent e)
        {
            if (e.DomainName != name)
            {
                return;
            }

            if (e.Kind == DomainLifecycleEventKind.Started)
            {
                started.TrySetResult(e);
            }
            else if (e.Kind == DomainLifecycleEventKind.Stopped)
            {
                stopped.TrySetResult(e);
            }
        }

        hypervisor.LifecycleChanged += OnLifecycle;
        try
        {
            // When
            hypervisor.Start(name);
            var start = await started.Task.WaitAsync(EventWait, Cancellation);
            hypervisor.Destroy(name);
            var stop = await stopped.Task.WaitAsync(EventWait, Cancellation);

            // Then
            start.DomainUuid.ShouldBe(domain.Info.Uuid);
            start.State.ShouldBe(DomainState.Running);
            stop.Detail.ShouldBe(1, "VIR_DOMAIN_EVENT_STOPPED_DESTROYED");
            stop.State.ShouldBe(DomainState.ShutOff);
        }
        finally
        {
            hypervisor.LifecycleChanged -= OnLifecycle;
        }
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
