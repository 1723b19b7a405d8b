using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>A tiny appliance made with the real qemu-img: a sparse raw system disk, a qcow2 data disk, a kernel.</summary>
internal static class TestAppliance
{
    public const long SystemSize = 64L << 20;

    public static IReadOnlyList<PackageFile> Files { get; } =
    [
        new("system.img", PackageFileRole.Disk, "raw"),
        new("disks/data.qcow2", PackageFileRole.Disk, "qcow2"),
        new("vmlinuz", PackageFileRole.Kernel),
    ];

    public static string Create(TestFolder folder, string name = "tiny", string version = "1.0", string release = "1")
    {
        var dir = folder[$"src-{name}-{version}-{release}"];
        Directory.CreateDirectory(Path.Combine(dir, "disks"));
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), $"""
            <image>
              <name version="{version}" release="{release}">{name}</name>
              <storage>
                <disk id="system" file="system.img" format="raw"/>
                <disk id="data" file="disks/data.qcow2" format="qcow2" use="user"/>
              </storage>
            </image>
            """);

        var system = Path.Combine(dir, "system.img");
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", system, SystemSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var random = new Random(42);
        using (var stream = new FileStream(system, FileMode.Open, FileAccess.Write))
        {
            // Data at the start, in the middle and at the very end; holes in between.
            foreach (var offset in new long[] { 0, 5L << 20, (32L << 20) + 12345, SystemSize - 8192 })
            {
                var bytes = new byte[8192];
                random.NextBytes(bytes);
                stream.Position = offset;
                stream.Write(bytes);
            }

            // A text-like compressible run.
            stream.Position = 10L << 20;
            stream.Write(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("virt-appliance compressible line\n", 50_000))));
        }

        var dataRaw = folder[$"data-{name}-{version}-{release}.raw"];
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", dataRaw, "16M");
        using (var stream = new FileStream(dataRaw, FileMode.Open, FileAccess.Write))
        {
            var bytes = new byte[65536];
            random.NextBytes(bytes);
            stream.Position = 1 << 20;
            stream.Write(bytes);
        }

        Tools.Run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", dataRaw, Path.Combine(dir, "disks", "data.qcow2"));
        File.Delete(dataRaw);

        var kernel = new byte[100_000];
        random.NextBytes(kernel);
        File.WriteAllBytes(Path.Combine(dir, "vmlinuz"), kernel);
        return dir;
    }

    public static async Task<string> PackAsync(TestFolder folder, string name = "tiny", string version = "1.0", string release = "1", PackageSigner? signer = null)
    {
        var dir = Create(folder, name, version, release);
        var package = folder[$"{name}-{version}-{release}.vapp"];
        await PackageWriter.CreateAsync(dir, Files, package, new PackageWriterOptions { Signer = signer }, null, TestContext.Current.CancellationToken);
        return package;
    }
}
