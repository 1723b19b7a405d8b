using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>libvirt failures reach callers as LibvirtException with libvirt's own code and message.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly IHypervisor hypervisor = new LibvirtConnector().Open("test:///default");

    public void Dispose() => hypervisor.Dispose();

    [Fact]
    public void Malformed_xml_is_an_xml_error_with_libvirts_message()
    {
        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.Define("<domain type='test'><name>x</name>"));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.XmlDetail);
        error.Function.ShouldBe("virDomainDefineXML");
        error.Message.ShouldContain("Premature end of data in tag domain");
        error.IsTransient.ShouldBeFalse();
        error.ShouldBeAssignableTo<HypervisorException>();
    }

    [Fact]
    public void Xml_without_a_name_is_rejected()
    {
        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.Define("<domain type='test'><memory>65536</memory></domain>"));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.NoName);
        error.Message.ShouldBe("missing name information");
    }

    [Fact]
    public void An_unknown_domain_is_a_no_domain_error_naming_it()
    {
        // Given
        var name = "no-such-domain-" + Guid.NewGuid().ToString("N");

        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.GetState(name));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.NoDomain);
        error.ErrorDomain.ShouldBe(12, "VIR_FROM_TEST");
        error.Message.ShouldContain(name);
        error.Hint.ShouldNotBeNull();
    }

    [Fact]
    public void Starting_a_running_domain_says_it_is_already_running_and_what_to_do()
    {
        // Given a running domain
        var name = "running-" + Guid.NewGuid().ToString("N");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));
        hypervisor.Start(name);

        // When it is started again
        var error = Should.Throw<LibvirtException>(() => hypervisor.Start(name));

        // Then libvirt's message comes with our hint
        error.Message.ShouldContain("already running");
        error.Hint.ShouldNotBeNull().ShouldContain("already running");
    }

    [Fact]
    public void An_unreachable_daemon_is_a_transient_error_naming_the_socket()
    {
        // When
        var error = Should.Throw<LibvirtException>(
            () => new LibvirtConnector().Open("qemu+unix:///system?socket=/nonexistent"));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.SystemError);
        error.Message.ShouldContain("/nonexistent");
        error.IsTransient.ShouldBeTrue();
        error.Hint!.ShouldContain("libvirtd");
    }

    [Fact]
    public void An_unknown_driver_is_not_a_transient_error()
    {
        // When
        var error = Should.Throw<LibvirtException>(() => new LibvirtConnector().Open("nosuchdriver:///system"));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.NoConnect);
        error.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void A_read_only_connection_cannot_define_a_domain()
    {
        // Given
        using var readOnly = new LibvirtConnector().Open("test:///default", readOnly: true);

        // When
        var error = Should.Throw<LibvirtException>(
            () => readOnly.Define(TestDomainXml.ForTestDriver(TestDomainXml.UniqueName("ro"))));

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.OperationDenied);
        error.Message.ShouldContain("read only");
    }

    [Fact]
    public void The_test_driver_has_no_domain_capabilities()
    {
        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.GetDomainCapabilitiesXml());

        // Then
        error.Code.ShouldBe(LibvirtErrorCode.NoSupport);
        error.Message.ShouldContain("virConnectGetDomainCapabilities");
    }

    [Fact]
    public void Starting_a_running_domain_fails_and_the_next_call_works()
    {
        // Given the predefined domain "test", which runs
        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.Start("test"));

        // Then the error is libvirt's, and it does not linger into the next call
        error.Message.ShouldContain("already running");
        hypervisor.GetState("test").State.ShouldBe(DomainState.Running);
    }

    [Fact]
    public void A_missing_disk_is_reported_for_block_info()
    {
        // Given
        var name = TestDomainXml.UniqueName("nodisk");
        using var domain = ScopedDomain.Define(hypervisor, TestDomainXml.ForTestDriver(name));

        // When
        var error = Should.Throw<LibvirtException>(() => hypervisor.GetBlockInfo(name, "vdz"));

        // Then
        error.Message.ShouldContain("vdz");
    }
}
