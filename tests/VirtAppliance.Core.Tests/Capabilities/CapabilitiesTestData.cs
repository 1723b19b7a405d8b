using System.Runtime.CompilerServices;
using VirtAppliance.Core.Capabilities;

namespace VirtAppliance.Core.Tests.Capabilities;

/// <summary>
/// The capabilities files in TestData/: three from virt-image's test suite and the ones read from
/// this machine's libvirtd (Debian 12, libvirt 9.0, QEMU 7.2, OVMF installed).
/// Found next to this source file, so golden files can be rewritten in place.
/// </summary>
internal static class CapabilitiesTestData
{
    public const string Kvm = "capabilities-kvm.xml";
    public const string Xen = "capabilities-xen.xml";
    public const string Rhel54Xen = "rhel5.4-xen-caps-virt-enabled.xml";
    public const string Debian12 = "debian12-capabilities.xml";
    public const string Debian12QemuX86_64 = "debian12-domcaps-qemu-x86_64.xml";
    public const string Debian12KvmX86_64 = "debian12-domcaps-kvm-x86_64.xml";
    public const string Debian12QemuI686 = "debian12-domcaps-qemu-i686.xml";

    public static IReadOnlyList<string> HostFiles { get; } = [Kvm, Xen, Rhel54Xen, Debian12];

    public static string Folder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "TestData");

    public static string Read(string name) => File.ReadAllText(Path.Combine(Folder(), name));

    public static HostCapabilities Host(string name) => CapabilitiesParser.ParseHost(Read(name));

    public static DomainCapabilities Domain(string name) => CapabilitiesParser.ParseDomain(Read(name));

    /// <summary>
    /// Domain capabilities of a libvirt that lists an OVMF image but cannot pick firmware by itself
    /// (before libvirt 5.2, or without firmware descriptors).
    /// </summary>
    public static DomainCapabilities LoaderOnlyX86_64 { get; } = CapabilitiesParser.ParseDomain("""
        <domainCapabilities>
          <path>/usr/bin/qemu-system-x86_64</path><domain>qemu</domain><machine>pc-i440fx-7.2</machine><arch>x86_64</arch>
          <vcpu max='255'/>
          <os supported='yes'>
            <enum name='firmware'/>
            <loader supported='yes'>
              <value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>
              <value>/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd</value>
              <enum name='type'><value>rom</value><value>pflash</value></enum>
            </loader>
          </os>
        </domainCapabilities>
        """);

    /// <summary>The domain capabilities read from this machine, for hosts that come with them.</summary>
    public static IReadOnlyList<DomainCapabilities> DomainsFor(string hostName) => hostName == Debian12
        ? [Domain(Debian12KvmX86_64), Domain(Debian12QemuX86_64), Domain(Debian12QemuI686)]
        : [];
}
