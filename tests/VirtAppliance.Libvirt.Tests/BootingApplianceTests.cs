using System.Diagnostics;
using Shouldly;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;
using VirtAppliance.Libvirt.Tests.Support;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>
/// The binding drives a real appliance on the real libvirtd: define → start → the tiny fixture boots
/// under TCG and writes to its user disk → graceful shutdown (ACPI) → shut off → undefine; the line is
/// then read back from the disk image on the host.
/// </summary>
public sealed class BootingApplianceTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);
    private readonly IHypervisor hypervisor = SystemDaemon.Connect();

    public void Dispose() => hypervisor.Dispose();

    [Fact]
    public async Task The_tiny_appliance_boots_writes_to_its_disk_and_powers_off_when_asked()
    {
        // Given copies of the fixture's disks (the fixture itself stays pristine) in a folder QEMU can read
        var cancellation = TestContext.Current.CancellationToken;
        var fixture = await ApplianceFixtures.RequireAsync("tiny-1.0", cancellation);
        using var scratch = SystemDaemon.CreateScratchFolder();
        foreach (var file in new[] { "vmlinuz", "initrd.img", "system.img", "data.img" })
            File.Copy(Path.Combine(fixture, file), Path.Combine(scratch.Path, file));
        var console = Path.Combine(scratch.Path, "console.log");
        var name = TestDomainXml.UniqueName("boot");
        var xml = $"""
            <domain type='qemu'>
              <name>{name}</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os>
                <type arch='x86_64' machine='pc'>hvm</type>
                <kernel>{scratch.Path}/vmlinuz</kernel>
                <initrd>{scratch.Path}/initrd.img</initrd>
                <cmdline>console=ttyS0</cmdline>
              </os>
              <features><acpi/></features>
              <on_poweroff>destroy</on_poweroff>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source file='{scratch.Path}/system.img'/>
                  <target dev='vda' bus='virtio'/>
                  <readonly/>
                </disk>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='raw'/>
                  <source file='{scratch.Path}/data.img'/>
                  <target dev='vdb' bus='virtio'/>
                </disk>
                <serial type='file'><source path='{console}'/></serial>
              </devices>
            </domain>
            """;
        using var domain = ScopedDomain.Define(hypervisor, xml);

        // When it is started and, once healthy, asked to shut down
        var running = hypervisor.WaitForStateAsync(name, DomainState.Running, Wait, cancellation);
        hypervisor.Start(name);
        await running;
        await WaitForLineAsync(console, "virt-appliance: healthy tiny 1.0", cancellation);
        var shutOff = hypervisor.WaitForStateAsync(name, DomainState.ShutOff, Wait, cancellation);
        hypervisor.Shutdown(name);
        var stopped = await shutOff;
        hypervisor.Undefine(name);

        // Then it powered itself off (reason "shutdown", not "destroyed") and its line is on the disk
        stopped.State.ShouldBe(DomainState.ShutOff);
        stopped.ReasonName.ShouldBe("shutdown");
        hypervisor.FindDomain(name).ShouldBeNull();
        (await ReadFromImageAsync(Path.Combine(scratch.Path, "data.img"), "/hello.txt", cancellation)).Trim().ShouldBe("written by tiny 1.0 (boot 1)");
    }

    private static async Task WaitForLineAsync(string console, string line, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Wait)
        {
            if (File.Exists(console))
            {
                await using var stream = new FileStream(console, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                if ((await reader.ReadToEndAsync(cancellation)).Contains(line, StringComparison.Ordinal))
                    return;
            }
            await Task.Delay(250, cancellation);
        }
        Assert.Fail($"'{line}' did not appear on the serial console ({console}) within {Wait}");
    }

    private static Task<string> ReadFromImageAsync(string image, string path, CancellationToken cancellation) =>
        ExternalTool.RunAsync("debugfs", ["-R", $"cat {path}", image], "run 'make test' (it installs e2fsprogs)", cancellation);
}
