using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>What status reads of a domain (virDomainGetInfo, the guest agent), against libvirt's test driver.</summary>
public sealed class DomainRuntimeTests : IDisposable
{
    private readonly IHypervisor hypervisor = new LibvirtConnector().Open("test:///default");

    public void Dispose() => hypervisor.Dispose();

    [Fact]
    public void The_runtime_gives_the_defined_vcpus_and_memory_and_cpu_time_while_running()
    {
        // Given
        var name = TestDomainXml.UniqueName("runtime");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        hypervisor.Start(name);

        // When
        var runtime = hypervisor.GetRuntime(name);

        // Then: the test driver's domain as defined; it keeps no pidfile, so no start time
        runtime.VirtualCpus.ShouldBe(1);
        runtime.MemoryKiB.ShouldBe(65536);
        runtime.MaxMemoryKiB.ShouldBe(65536);
        runtime.CpuTime.ShouldBeGreaterThan(TimeSpan.Zero);
        runtime.StartedAt.ShouldBeNull();
        hypervisor.Destroy(name);
    }

    [Fact]
    public void The_runtime_of_an_unknown_domain_names_it()
    {
        var error = Should.Throw<HypervisorException>(() => hypervisor.GetRuntime("no-such-domain-runtime"));

        error.Message.ShouldContain("no-such-domain-runtime");
    }

    [Fact]
    public void A_guest_agent_command_to_a_domain_without_an_agent_fails_with_libvirts_reason()
    {
        // Given
        var name = TestDomainXml.UniqueName("agent");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        hypervisor.Start(name);

        // When
        var error = Should.Throw<HypervisorException>(() => hypervisor.QemuAgentCommand(name, """{"execute":"guest-get-fsinfo"}""", TimeSpan.FromSeconds(1)));

        // Then
        error.Message.ShouldNotBeNullOrWhiteSpace();
        hypervisor.Destroy(name);
    }
}
