using System.Security;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>Minimal domain definitions for tests, each with a unique name so tests can run in parallel.</summary>
internal static class TestDomainXml
{
    public static string UniqueName(string purpose) => $"va-test-{purpose}-{Guid.NewGuid():N}";

    /// <summary>Our instance record as the deploy engine writes it into a domain's &lt;metadata&gt;.</summary>
    public static string InstanceMetadata(string appliance, string version) => $"""
        <va:instance xmlns:va="https://virt-appliance.org/xmlns/instance/1"><va:appliance>{SecurityElement.Escape(appliance)}</va:appliance><va:version>{SecurityElement.Escape(version)}</va:version></va:instance>
        """;

    /// <summary>
    /// A domain for the test:///default driver, with one disk the driver pretends exists and
    /// <paramref name="metadata"/> (elements for &lt;metadata&gt;) when given.
    /// </summary>
    public static string ForTestDriver(string name, string? metadata = null) => $"""
        <domain type='test'>
          <name>{SecurityElement.Escape(name)}</name>
          {Metadata(metadata)}
          <memory unit='MiB'>64</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type></os>
          <devices>
            <disk type='file' device='disk'>
              <source file='/guest/{SecurityElement.Escape(name)}.img'/>
              <target dev='vda' bus='virtio'/>
            </disk>
          </devices>
        </domain>
        """;

    /// <summary>
    /// A QEMU (TCG) domain that boots nothing: SeaBIOS finds no boot device and waits, which is
    /// enough to prove define → start → running → stop → undefine against the real daemon.
    /// </summary>
    public static string ForQemu(string name, string? diskPath = null, string? metadata = null)
    {
        var disk = diskPath is null ? string.Empty : $"""
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='{SecurityElement.Escape(diskPath)}'/>
                  <target dev='vda' bus='virtio'/>
                </disk>
            """;
        return $"""
            <domain type='qemu'>
              <name>{SecurityElement.Escape(name)}</name>
              {Metadata(metadata)}
              <memory unit='MiB'>64</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <features><acpi/></features>
              <on_crash>destroy</on_crash>
              <devices>
            {disk}
              </devices>
            </domain>
            """;
    }

    private static string Metadata(string? elements) => elements is null ? string.Empty : $"<metadata>{elements}</metadata>";
}
