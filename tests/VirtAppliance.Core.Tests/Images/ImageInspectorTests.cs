using System.Buffers.Binary;
using Shouldly;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Images;

public class ImageInspectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("compat=1.1", 3)]
    [InlineData("compat=0.10", 2)]
    public async Task Reads_the_header_qemu_img_writes(string compat, int version)
    {
        // Given
        using var folder = new TestFolder();
        var path = folder["disk.qcow2"];
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-o", compat, path, "1G");

        // When
        var info = await ImageInspector.InspectAsync(path, Ct);

        // Then
        info.Format.ShouldBe(DiskFormat.Qcow2);
        info.VirtualSize.ShouldBe(1L << 30);
        info.Qcow2!.Version.ShouldBe(version);
        info.Qcow2.ClusterBits.ShouldBe(16);
        info.BackingFile.ShouldBeNull();
    }

    [Fact]
    public async Task Sees_the_backing_file_of_an_overlay()
    {
        // Given
        using var folder = new TestFolder();
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["base.raw"], "16M");
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", folder["base.raw"], "-F", "raw", folder["overlay.qcow2"]);

        // When
        var info = await ImageInspector.InspectAsync(folder["overlay.qcow2"], Ct);

        // Then
        info.Qcow2!.HasBackingFile.ShouldBeTrue();
        info.BackingFile.ShouldBe(folder["base.raw"]);
    }

    [Fact]
    public async Task Reads_the_size_of_a_zstd_compressed_image_from_qemu_img_convert()
    {
        // Given
        using var folder = new TestFolder();
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["in.raw"], "32M");
        Tools.Run("qemu-img", "convert", "-q", "-c", "-O", "qcow2", "-o", "compression_type=zstd", folder["in.raw"], folder["out.qcow2"]);

        // When
        var info = await ImageInspector.InspectAsync(folder["out.qcow2"], Ct);

        // Then
        info.VirtualSize.ShouldBe(32L << 20);
        (info.Qcow2!.IncompatibleFeatures & (1 << 3)).ShouldBe(1UL << 3); // the compression type bit
    }

    [Fact]
    public async Task Detects_raw_and_iso_images()
    {
        // Given
        using var folder = new TestFolder();
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["disk.raw"], "4M");
        // xorriso is not among the prerequisites: write the ISO 9660 primary volume descriptor by hand.
        var iso = new byte[20 * 2048];
        iso[16 * 2048] = 1;
        "CD001"u8.CopyTo(iso.AsSpan((16 * 2048) + 1));
        File.WriteAllBytes(folder["cd.iso"], iso);

        // When
        var raw = await ImageInspector.InspectAsync(folder["disk.raw"], Ct);
        var cd = await ImageInspector.InspectAsync(folder["cd.iso"], Ct);

        // Then
        raw.Format.ShouldBe(DiskFormat.Raw);
        raw.VirtualSize.ShouldBe(4L << 20);
        cd.Format.ShouldBe(DiskFormat.Iso);
    }

    public static TheoryData<string> MalformedHeaders => new(Malformed.Keys);

    private static readonly Dictionary<string, Func<byte[]>> Malformed = new()
    {
        ["truncated v2 header"] = () => ValidV3()[..40],
        ["truncated v3 header"] = () => ValidV3()[..90],
        ["empty"] = () => [],
        ["version 1"] = () => Set32(ValidV3(), 4, 1),
        ["version 4"] = () => Set32(ValidV3(), 4, 4),
        ["cluster bits 8"] = () => Set32(ValidV3(), 20, 8),
        ["cluster bits 40"] = () => Set32(ValidV3(), 20, 40),
        ["huge backing name length"] = () => Set32(ValidV3(), 16, 0xFFFFFFFF),
        ["huge backing offset"] = () => Set64(ValidV3(), 8, ulong.MaxValue),
        ["huge virtual size"] = () => Set64(ValidV3(), 24, ulong.MaxValue),
        ["header length beyond the cluster"] = () => Set32(ValidV3(), 100, 0x7FFFFFFF),
        ["header length too small"] = () => Set32(ValidV3(), 100, 12),
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Refuses_a_malformed_qcow2_header(string how)
    {
        // Given
        var bytes = Malformed[how]();

        // When / Then
        Should.Throw<InvalidDataException>(() => Qcow2Header.Parse(bytes));
    }

    [Fact]
    public void Refuses_bytes_without_the_qcow2_magic()
    {
        // Given
        var bytes = ValidV3();
        bytes[0] = (byte)'X';

        // When / Then
        Should.Throw<InvalidDataException>(() => Qcow2Header.Parse(bytes)).Message.ShouldContain("magic");
        ImageInspector.DetectFormat(bytes).ShouldBe(DiskFormat.Raw);
    }

    [Fact]
    public void Parses_the_synthetic_valid_header()
    {
        Qcow2Header.Parse(ValidV3()).VirtualSize.ShouldBe(1L << 30);
    }

    private static byte[] ValidV3()
    {
        var header = new byte[512];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x514649FB);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 16);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), 1UL << 30);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(96), 4);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(100), 112);
        return header;
    }

    private static byte[] Set32(byte[] bytes, int offset, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(offset), value);
        return bytes;
    }

    private static byte[] Set64(byte[] bytes, int offset, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(offset), value);
        return bytes;
    }
}
