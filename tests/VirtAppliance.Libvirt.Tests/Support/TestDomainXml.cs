using System.Security;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>Minimal domain definitions for tests, each with a unique name so tests can run in parallel.</summary>
internal static class TestDomainXml
{
    public static string UniqueName(string purpose) => $"va-test-{purpose}-{Guid.NewGuid():N}";

    /// <summary>A domain for the test:///default driver, with one disk the driver pretends exists.</summary>
    public static string ForTestDriver(string name) => $"""
        <domain type='test'>
          <name>{SecurityElement.Escape(name)}</name>
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
    public static string ForQemu(string name, string? diskPath = null)
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
}
