using Shouldly;
using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

public class PackageRoundTripTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pack_then_extract_restores_every_file_bit_for_bit()
    {
        // Given
        using var folder = new TestFolder();
        var source = TestAppliance.Create(folder);
        var package = folder["tiny.vapp"];
        await PackageWriter.CreateAsync(source, TestAppliance.Files, package, null, null, Ct);

        // When
        var target = folder["out"];
        await using (var reader = new PackageReader(File.OpenRead(package), leaveOpen: false))
        {
            await reader.ReadHeaderAsync(Ct);
            await reader.ExtractAsync(target, verifyContent: true, null, Ct);
        }

        // Then
        foreach (var file in TestAppliance.Files.Select(f => f.RelativePath).Append("appliance.xml"))
            Tools.Sha256(Path.Combine(target, file)).ShouldBe(Tools.Sha256(Path.Combine(source, file)), file);
        Tools.Run("qemu-img", "check", Path.Combine(target, "disks/data.qcow2"));
    }

    [Theory]
    [InlineData(null, 3, 2)]
    [InlineData(16, 1, 1)]
    public async Task A_package_of_records_over_16_MiB_is_format_version_3_and_one_of_16_MiB_records_is_version_1(int? chunkMiB, int formatVersion, int streamVersion)
    {
        // Given: the default options (64 MiB records), or the 16 MiB records that readers before format 3 read
        using var folder = new TestFolder();
        var source = TestAppliance.Create(folder);
        var package = folder["tiny.vapp"];
        var options = chunkMiB is { } mib ? new PackageWriterOptions { ChunkLength = mib << 20 } : null;

        // When
        var manifest = await PackageWriter.CreateAsync(source, TestAppliance.Files, package, options, null, Ct);
        var target = folder["out"];
        await using (var reader = new PackageReader(File.OpenRead(package), leaveOpen: false))
        {
            await reader.ReadHeaderAsync(Ct);
            await reader.ExtractAsync(target, verifyContent: true, null, Ct);
        }

        // Then
        manifest.FormatVersion.ShouldBe(formatVersion);
        var disks = TarEntries.Read(package).Where(i => i.Name.EndsWith(".vasz", StringComparison.Ordinal)).ToList();
        disks.ShouldNotBeEmpty();
        disks.Select(d => (d.Data[4] << 8) | d.Data[5]).ShouldAllBe(version => version == streamVersion);
        foreach (var file in TestAppliance.Files.Select(f => f.RelativePath))
            Tools.Sha256(Path.Combine(target, file)).ShouldBe(Tools.Sha256(Path.Combine(source, file)), file);
    }

    [Fact]
    public async Task Restored_raw_disk_is_as_sparse_as_the_original()
    {
        // Given
        using var folder = new TestFolder();
        var source = TestAppliance.Create(folder);
        var package = folder["tiny.vapp"];
        await PackageWriter.CreateAsync(source, TestAppliance.Files, package, null, null, Ct);

        // When
        var target = folder["out"];
        await using (var reader = new PackageReader(File.OpenRead(package), leaveOpen: false))
            await reader.ExtractAsync(target, verifyContent: false, null, Ct);

        // Then
        var restored = Path.Combine(target, "system.img");
        new FileInfo(restored).Length.ShouldBe(TestAppliance.SystemSize);
        // Allow a few file-system metadata blocks (the extent tree) on top of the data.
        Tools.AllocatedBytes(restored).ShouldBeLessThanOrEqualTo(Tools.AllocatedBytes(Path.Combine(source, "system.img")) + (64 << 10));
    }

    [Fact]
    public async Task Package_is_a_tar_that_gnu_tar_lists_in_streaming_order()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);

        // When
        var names = Tools.Run("tar", "-tf", package).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Then
        names.ShouldBe(["appliance.xml", "manifest.json", "system.img.vasz", "disks/data.qcow2.vasz", "vmlinuz"]);
    }

    [Fact]
    public async Task Package_of_a_mostly_empty_disk_costs_its_data_not_its_size()
    {
        // Given
        using var folder = new TestFolder();

        // When
        var package = await TestAppliance.PackAsync(folder);

        // Then: 64 MiB virtual, about 100 KiB of random data and a compressible run
        new FileInfo(package).Length.ShouldBeLessThan(400_000);
    }

    [Fact]
    public async Task Manifest_records_sizes_and_content_digests_that_coreutils_recompute()
    {
        // Given
        using var folder = new TestFolder();
        var source = TestAppliance.Create(folder);

        // When
        var manifest = await PackageWriter.CreateAsync(source, TestAppliance.Files, folder["p.vapp"], null, null, Ct);

        // Then
        var system = manifest.Files.Single(f => f.Path == "system.img");
        system.Size.ShouldBe(TestAppliance.SystemSize);
        system.Encoding.ShouldBe(PackageEncoding.SparseZstd);
        system.ContentDigest.ShouldBe(Tools.ContentDigest(Path.Combine(source, "system.img")));
        var data = manifest.Files.Single(f => f.Path == "disks/data.qcow2");
        data.ContentDigest.ShouldBe(Tools.ContentDigest(Path.Combine(source, "disks/data.qcow2")));
        var kernel = manifest.Files.Single(f => f.Path == "vmlinuz");
        kernel.Encoding.ShouldBe(PackageEncoding.Identity);
        kernel.ContentDigest.ShouldBe(Tools.ContentDigest(Path.Combine(source, "vmlinuz")));
        kernel.StoredDigest.ShouldBe(kernel.ContentDigest);
        manifest.Descriptor.Path.ShouldBe("appliance.xml");
    }

    [Fact]
    public async Task Verify_accepts_an_intact_unsigned_package()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);

        // When
        var result = await PackageVerifier.VerifyAsync(package, null, verifyContent: true, null, Ct);

        // Then
        result.Signature.Status.ShouldBe(SignatureStatus.Unsigned);
        result.Manifest.Files.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Data_scattered_over_a_big_sparse_disk_packs_small_and_restores_exactly()
    {
        // Given: 512 MiB virtual with 4 KiB of metadata every 24 MiB (as ext4 spreads its block
        // groups), a run that ends in the middle of a 4 MiB block, and a last block shorter than 4 MiB
        using var folder = new TestFolder();
        var dir = folder["src"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), "<image><name>s</name></image>");
        var disk = Path.Combine(dir, "sparse.img");
        var random = new Random(11);
        using (var file = File.OpenHandle(disk, FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.SetLength(file, (512L << 20) + 12288);
            var block = new byte[4096];
            for (long offset = 8192; offset < 512L << 20; offset += 24 << 20)
            {
                random.NextBytes(block.AsSpan(0, 64));
                RandomAccess.Write(file, block, offset);
            }

            var run = new byte[(6 << 20) + 4096];
            random.NextBytes(run);
            RandomAccess.Write(file, run, 100L << 20);
            RandomAccess.Write(file, block.AsSpan(0, 100), (512L << 20) + 8192);
        }

        // When
        var manifest = await PackageWriter.CreateAsync(dir, [new PackageFile("sparse.img", PackageFileRole.Disk, "raw")], folder["s.vapp"], null, null, Ct);
        await using (var reader = new PackageReader(File.OpenRead(folder["s.vapp"]), leaveOpen: false))
            await reader.ExtractAsync(folder["out"], verifyContent: true, null, Ct);

        // Then
        Tools.Sha256(folder["out/sparse.img"]).ShouldBe(Tools.Sha256(disk));
        manifest.Files[1].ContentDigest.ShouldBe(Tools.ContentDigest(disk));
        new FileInfo(folder["s.vapp"]).Length.ShouldBeLessThan((6 << 20) + (128 << 10));
        Tools.AllocatedBytes(folder["out/sparse.img"]).ShouldBeLessThanOrEqualTo(Tools.AllocatedBytes(disk) + (64 << 10));
    }

    [Fact]
    public async Task Pack_onto_a_full_file_system_fails_clearly_and_leaves_the_older_package_as_it_was()
    {
        // Given: a 1 MiB tmpfs holding an older package, and 4 MiB of random disk to pack
        using var folder = new TestFolder();
        var dir = folder["src"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), "<image><name>r</name></image>");
        var bytes = new byte[4 << 20];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(dir, "random.img"), bytes);
        var small = folder["small"];
        Directory.CreateDirectory(small);
        Tools.Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small);
        try
        {
            var package = Path.Combine(small, "r.vapp");
            File.WriteAllText(package, "older package");

            // When
            var error = await Should.ThrowAsync<Errors.VirtApplianceException>(() =>
                PackageWriter.CreateAsync(dir, [new PackageFile("random.img", PackageFileRole.Disk, "raw")], package, null, null, Ct));

            // Then
            error.Message.ShouldContain("No space left on device");
            error.Hint.ShouldNotBeNull().ShouldContain("elsewhere");
            Directory.GetFiles(small).ShouldBe([package]);
            File.ReadAllText(package).ShouldBe("older package");
        }
        finally
        {
            Tools.Run("umount", small);
        }
    }

    [Fact]
    public async Task Pack_and_extract_report_progress_from_zero_to_each_files_size()
    {
        // Given
        using var folder = new TestFolder();
        var source = TestAppliance.Create(folder);
        var packing = new List<PackageProgress>();
        var extracting = new List<PackageProgress>();

        // When
        await PackageWriter.CreateAsync(source, TestAppliance.Files, folder["p.vapp"], null, new InlineProgress(packing.Add), Ct);
        await using (var reader = new PackageReader(File.OpenRead(folder["p.vapp"]), leaveOpen: false))
            await reader.ExtractAsync(folder["out"], verifyContent: false, new InlineProgress(extracting.Add), Ct);

        // Then: per file, the total is the file's size and what is done only grows up to it
        foreach (var reports in new[] { packing, extracting })
        {
            foreach (var file in reports.GroupBy(r => r.Path))
            {
                var size = new FileInfo(Path.Combine(source, file.Key)).Length;
                file.ShouldAllBe(r => r.BytesTotal == size && r.BytesDone <= size, file.Key);
                file.Select(r => r.BytesDone).ShouldBeInOrder(SortDirection.Ascending, file.Key);
                file.Last().BytesDone.ShouldBe(size, file.Key);
            }

            reports.Select(r => r.Path).Distinct().Count().ShouldBe(TestAppliance.Files.Count);
        }
    }

    private sealed class InlineProgress(Action<PackageProgress> report) : IProgress<PackageProgress>
    {
        public void Report(PackageProgress value) => report(value);
    }

    [Fact]
    public async Task Incompressible_disks_are_stored_raw_and_restored_exactly()
    {
        // Given: 12 MiB of random bytes, as an encrypted volume would be
        using var folder = new TestFolder();
        var dir = folder["src"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), "<image><name>r</name></image>");
        var bytes = new byte[12 << 20];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(dir, "random.img"), bytes);

        // When
        await PackageWriter.CreateAsync(dir, [new PackageFile("random.img", PackageFileRole.Disk, "raw")], folder["r.vapp"], null, null, Ct);
        await using (var reader = new PackageReader(File.OpenRead(folder["r.vapp"]), leaveOpen: false))
            await reader.ExtractAsync(folder["out"], verifyContent: true, null, Ct);

        // Then: stored raw costs a few header bytes per chunk, no more
        new FileInfo(folder["r.vapp"]).Length.ShouldBeLessThan(bytes.Length + 8192);
        (await PackageVerifier.VerifyAsync(folder["r.vapp"], null, verifyContent: true, null, Ct)).Manifest.Files[1].ContentDigest.ShouldBe(Tools.ContentDigest(Path.Combine(dir, "random.img")));
        File.ReadAllBytes(folder["out/random.img"]).ShouldBe(bytes);
    }
}
