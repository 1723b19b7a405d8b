using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

public class PackageFilesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_descriptor_lists_the_files_to_pack_and_the_package_restores_them()
    {
        // Given: the test appliance with a descriptor that boots its kernel directly
        using var folder = new TestFolder();
        var dir = TestAppliance.Create(folder);
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), """
            <image>
              <name version="1.0" release="1">tiny</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch></guest>
                  <os><kernel>vmlinuz</kernel><cmdline>console=ttyS0</cmdline></os>
                  <drive disk="system" target="vda"/>
                  <drive disk="data" target="vdb"/>
                </boot>
                <devices><vcpu>1</vcpu><memory unit="MiB">128</memory></devices>
              </domain>
              <storage>
                <disk id="system" file="system.img" format="raw"/>
                <disk id="data" file="disks/data.qcow2" format="qcow2" use="user"/>
              </storage>
            </image>
            """);
        var descriptor = DescriptorReader.ReadFile(Path.Combine(dir, "appliance.xml")).Descriptor!;

        // When
        var files = PackageFiles.FromDescriptor(descriptor);
        var manifest = await PackageWriter.CreateAsync(dir, files, folder["p.vapp"], null, null, Ct);

        // Then
        files.ShouldBe([
            new PackageFile("system.img", PackageFileRole.Disk, "raw"),
            new PackageFile("disks/data.qcow2", PackageFileRole.Disk, "qcow2"),
            new PackageFile("vmlinuz", PackageFileRole.Kernel),
        ], ignoreOrder: true);
        manifest.Files.Count.ShouldBe(4);
        (await PackageVerifier.VerifyAsync(folder["p.vapp"], null, true, null, Ct)).Manifest.Sha256.ShouldBe(manifest.Sha256);
    }
}
