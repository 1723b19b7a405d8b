using VirtAppliance.Core.Services;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// A small appliance the test driver can "run" (i686, its only hvm arch): a system, a user and a
/// scratch disk made with the real qemu-img, packed and installed unsigned in a store of its own.
/// </summary>
internal static class EngineAppliance
{
    /// <param name="healthTimeout">With a value, a console health check that the test driver (which prints nothing) never passes.</param>
    /// <param name="configured">With site parameters (greeting with a default, mail_host required, admin_password) and a template using them.</param>
    /// <param name="extraParameter">One more required parameter (a version that needs a value the older one did not).</param>
    public static async Task<InstalledAppliance> InstallAsync(TestFolder folder, ApplianceStore store, string version, int? healthTimeout = null,
        bool configured = false, string? extraParameter = null)
    {
        var dir = folder[$"engine-{version}"];
        Directory.CreateDirectory(dir);
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", Path.Combine(dir, "system.img"), "4M");
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", Path.Combine(dir, "data.img"), "2M");
        await File.WriteAllTextAsync(Path.Combine(dir, "vmlinuz"), $"kernel {version}", TestContext.Current.CancellationToken);
        var parameters = !configured ? "" : $"""
            <parameters>
              <parameter name="greeting" type="string"><default>hello</default></parameter>
              <parameter name="mail_host" type="host" required="true"/>
              <parameter name="admin_password" type="password"/>
              {(extraParameter is null ? "" : $"<parameter name=\"{extraParameter}\" type=\"string\" required=\"true\"/>")}
            </parameters>
            <config><template path="/etc/engine/app.conf" source="app.conf.liquid" mode="0640"/></config>
            """;
        if (configured)
            await File.WriteAllTextAsync(Path.Combine(dir, "app.conf.liquid"),
                "greeting={{ greeting }}\nmail_host={{ mail_host }}\npassword={{ admin_password }}\n", TestContext.Current.CancellationToken);
        var health = healthTimeout is { } seconds ? $"""<health timeout="{seconds}"><console pattern="^never printed"/></health>""" : "";
        await File.WriteAllTextAsync(Path.Combine(dir, "appliance.xml"), $"""
            <image>
              <name version="{version}" release="1">engine</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>i686</arch><features><acpi/></features></guest>
                  <os><kernel>vmlinuz</kernel><cmdline>console=ttyS0</cmdline></os>
                  <drive disk="system" target="vda"/>
                  <drive disk="data" target="vdb"/>
                  <drive disk="scratch" target="vdc"/>
                </boot>
                <devices><vcpu>1</vcpu><memory unit="MiB">64</memory></devices>
              </domain>
              <storage>
                <disk id="system" file="system.img" use="system" format="raw"/>
                <disk id="data" file="data.img" use="user" format="raw"/>
                <disk id="scratch" use="scratch" size="8"/>
              </storage>
              {health}
              {parameters}
            </image>
            """, TestContext.Current.CancellationToken);
        var package = folder[$"engine-{version}.vapp"];
        await new PackageService(store, TimeProvider.System).PackAsync(dir, package, null, null, null, PackageCompression.Default, null, TestContext.Current.CancellationToken);
        return (await store.InstallAsync(package, new InstallOptions { AllowUnsigned = true }, null, TestContext.Current.CancellationToken)).Appliance;
    }
}
