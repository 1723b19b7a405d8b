using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

public class PackageVerificationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadCases => new(BadPackages.Names);

    [Theory]
    [MemberData(nameof(BadCases))]
    public async Task Verify_refuses_a_broken_package(string brokenHow)
    {
        // Given
        using var folder = new TestFolder();
        var good = await TestAppliance.PackAsync(folder);
        var bad = BadPackages.Make(good, brokenHow, folder["bad.vapp"]);

        // When
        var error = await Should.ThrowAsync<VirtApplianceException>(() => PackageVerifier.VerifyAsync(bad, null, verifyContent: true, null, Ct));

        // Then
        error.ShouldBeOfType(BadPackages.ExpectedException(brokenHow), error.Message);
        error.Message.ShouldContain(bad);
        error.Hint.ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [MemberData(nameof(BadCases))]
    public async Task Extract_refuses_a_broken_package_read_as_a_stream(string brokenHow)
    {
        // Given: a non-seekable stream, as from a download
        using var folder = new TestFolder();
        var good = await TestAppliance.PackAsync(folder);
        var bad = BadPackages.Make(good, brokenHow, folder["bad.vapp"]);
        await using var pipe = new ForwardOnlyStream(File.OpenRead(bad));

        // When
        var error = await Should.ThrowAsync<VirtApplianceException>(async () =>
        {
            await using var reader = new PackageReader(pipe, leaveOpen: true, "download");
            await reader.ReadHeaderAsync(Ct);
            await reader.ExtractAsync(folder["out"], verifyContent: true, null, Ct);
        });

        // Then
        error.ShouldBeOfType(BadPackages.ExpectedException(brokenHow), error.Message);
    }

    [Fact]
    public async Task Writer_refuses_a_qcow2_disk_with_a_backing_file()
    {
        // Given
        using var folder = new TestFolder();
        var dir = TestAppliance.Create(folder);
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", Path.Combine(dir, "system.img"), "-F", "raw", Path.Combine(dir, "disks", "data.qcow2"));

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() => PackageWriter.CreateAsync(dir, TestAppliance.Files, folder["p.vapp"], null, null, Ct));

        // Then
        error.Message.ShouldContain("backing file");
        File.Exists(folder["p.vapp"]).ShouldBeFalse();
    }

    [Fact]
    public async Task Writer_refuses_a_qcow2_image_declared_raw()
    {
        // Given
        using var folder = new TestFolder();
        var dir = TestAppliance.Create(folder);
        IReadOnlyList<PackageFile> files = [new("disks/data.qcow2", PackageFileRole.Disk, "raw")];

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() => PackageWriter.CreateAsync(dir, files, folder["p.vapp"], null, null, Ct));

        // Then
        error.Message.ShouldContain("declared raw");
    }

    [Theory]
    [InlineData("../outside.img")]
    [InlineData("/etc/passwd")]
    [InlineData("disks//a.img")]
    [InlineData("manifest.json")]
    [InlineData("twice")]
    public async Task Writer_refuses_unsafe_paths_and_duplicates(string path)
    {
        // Given
        using var folder = new TestFolder();
        var dir = TestAppliance.Create(folder);

        // When / Then
        IReadOnlyList<PackageFile> files = path == "twice"
            ? [new("vmlinuz", PackageFileRole.Kernel), new("vmlinuz", PackageFileRole.Kernel)]
            : [new(path, PackageFileRole.Other)];
        await Should.ThrowAsync<InvalidInputException>(() => PackageWriter.CreateAsync(dir, files, folder["p.vapp"], null, null, Ct));
        Directory.EnumerateFileSystemEntries(folder.Path).ShouldNotContain(e => e.EndsWith(".partial", StringComparison.Ordinal) || e.Contains(".vapp-pack-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_stops_before_payloads_when_only_the_header_is_read()
    {
        // Given: a package cut right after its manifest
        using var folder = new TestFolder();
        var good = await TestAppliance.PackAsync(folder);
        var items = TarEntries.Read(good);
        TarEntries.Write(folder["head.vapp"], items.Take(2));

        // When
        await using var reader = new PackageReader(File.OpenRead(folder["head.vapp"]), leaveOpen: false);
        var header = await reader.ReadHeaderAsync(Ct);

        // Then: the header alone is enough to decide about the package
        header.Manifest.Files.Select(f => f.Path).ShouldBe(["appliance.xml", "system.img", "disks/data.qcow2", "vmlinuz"]);
        header.Signature.ShouldBeNull();
    }

    /// <summary>A stream that cannot seek, like a network download.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
