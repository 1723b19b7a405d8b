using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>
/// Tar streams that lie about their own structure (issue 15, item 3): an entry followed by more bytes than its
/// header claims, a pax header of enormous size, a stream that never ends. Each is refused, having read a
/// bounded number of bytes, and an install of it leaves the store as it was.
/// </summary>
public class PackageStreamEdgeTests
{
    private const long ReadBound = 64L << 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_entry_followed_by_more_bytes_than_its_header_claims_is_refused()
    {
        // Given: vmlinuz's header claims 1 KiB less than the bytes that follow it
        using var folder = new TestFolder();
        var good = await TestAppliance.PackAsync(folder);
        var bad = WriteWith(good, folder["bad.vapp"], (name, data, writer, raw) =>
        {
            if (name != "vmlinuz")
                return false;
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data[..^1024]) });
            raw.Write(Pad(data[^1024..]));
            return true;
        });

        // When / Then
        var error = await RefusedAsync(File.ReadAllBytes(bad));
        error.Message.ShouldContain("vmlinuz");
        await StoreUnchangedAsync(folder, bad);
    }

    [Fact]
    public async Task An_oversized_pax_header_is_refused_without_reading_it()
    {
        // Given: before the descriptor, a pax extended header that claims 1 GiB, followed by bytes without end
        var header = UstarHeader("PaxHeaders/appliance.xml", 1L << 30, (byte)'x');

        // When
        var stream = new EndlessStream(header, (byte)'a');
        var error = await RefusedAsync(stream);

        // Then
        stream.BytesRead.ShouldBeLessThan(ReadBound, error.Message);
    }

    [Fact]
    public async Task An_oversized_pax_header_before_a_payload_is_refused_and_the_store_is_unchanged()
    {
        // Given: a good package whose vmlinuz entry gets a pax header of 256 MiB of records
        using var folder = new TestFolder();
        var good = await TestAppliance.PackAsync(folder);
        var bad = WriteWith(good, folder["bad.vapp"], (name, data, writer, raw) =>
        {
            if (name != "vmlinuz")
                return false;
            var record = PaxRecord("comment", new string('z', (256 << 20) - 64));
            raw.Write(UstarHeader("PaxHeaders/vmlinuz", record.Length, (byte)'x'));
            raw.Write(Pad(record));
            raw.Write(UstarHeader(name, data.Length, (byte)'0'));
            raw.Write(Pad(data));
            return true;
        });

        // When / Then
        await RefusedAsync(File.ReadAllBytes(bad));
        await StoreUnchangedAsync(folder, bad);
    }

    [Fact]
    public async Task An_endless_stream_of_garbage_is_refused_at_once()
    {
        // Given
        var stream = new EndlessStream([], (byte)'G');

        // When
        await RefusedAsync(stream);

        // Then
        stream.BytesRead.ShouldBeLessThan(ReadBound);
    }

    [Fact]
    public async Task An_endless_run_of_extended_headers_is_refused()
    {
        // Given: global pax headers, one after another, forever
        var one = new MemoryStream();
        var record = PaxRecord("comment", "again");
        one.Write(UstarHeader("GlobalHead", record.Length, (byte)'g'));
        one.Write(Pad(record));
        var stream = new EndlessStream([], one.ToArray());

        // When
        await RefusedAsync(stream);

        // Then
        stream.BytesRead.ShouldBeLessThan(ReadBound);
    }

    [Fact]
    public async Task A_package_followed_by_an_endless_stream_is_refused()
    {
        // Given: a good package, then bytes that never end where the end of the archive belongs
        using var folder = new TestFolder();
        var good = File.ReadAllBytes(await TestAppliance.PackAsync(folder));
        var withoutEnd = TrimEndOfArchive(good);
        var stream = new EndlessStream(withoutEnd, (byte)'E');

        // When
        await RefusedAsync(stream);

        // Then
        stream.BytesRead.ShouldBeLessThan(withoutEnd.Length + ReadBound);
    }

    private static async Task<VirtApplianceException> RefusedAsync(byte[] package) => await RefusedAsync(new MemoryStream(package));

    private static async Task<VirtApplianceException> RefusedAsync(Stream package)
    {
        var error = await Should.ThrowAsync<VirtApplianceException>(async () =>
        {
            await using var reader = new PackageReader(package, leaveOpen: true, "download");
            await reader.ReadHeaderAsync(Ct);
            await reader.VerifyPayloadsAsync(verifyContent: true, null, Ct);
        });
        error.ShouldBeAssignableTo<VirtApplianceException>();
        (error is IntegrityException or InvalidInputException).ShouldBeTrue(error.ToString());
        error.Hint.ShouldNotBeNullOrEmpty();
        return error;
    }

    /// <summary>Installing <paramref name="bad"/> fails and leaves the store's files and index as they were.</summary>
    private static async Task StoreUnchangedAsync(TestFolder folder, string bad)
    {
        var store = new ApplianceStore(folder["store"]);
        var good = await TestAppliance.PackAsync(folder, version: "0.9");
        await store.InstallAsync(good, new InstallOptions { AllowUnsigned = true }, null, Ct);
        var before = Snapshot(folder["store"]) + string.Join(",", (await store.ListAsync(Ct)).Select(a => a.Id));

        await Should.ThrowAsync<VirtApplianceException>(() => store.InstallAsync(bad, new InstallOptions { AllowUnsigned = true }, null, Ct));

        (Snapshot(folder["store"]) + string.Join(",", (await store.ListAsync(Ct)).Select(a => a.Id))).ShouldBe(before);
    }

    private static string Snapshot(string root) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".lock", StringComparison.Ordinal) && !p.EndsWith("index.db-shm", StringComparison.Ordinal) && !p.EndsWith("index.db-wal", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) && !p.EndsWith("index.db", StringComparison.Ordinal) ? $"{p} {new FileInfo(p).Length}" : p));

    /// <summary>Rewrites a package entry by entry; <paramref name="replace"/> may write an entry its own way (true) through the writer or raw bytes.</summary>
    private static string WriteWith(string good, string output, Func<string, byte[], TarWriter, Stream, bool> replace)
    {
        var items = TarEntries.Read(good);
        using var file = File.Create(output);
        using (var writer = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var item in items)
            {
                if (!replace(item.Name, item.Data, writer, file))
                    writer.WriteEntry(new PaxTarEntry(item.Type, item.Name) { DataStream = new MemoryStream(item.Data) });
            }
        }
        return output;
    }

    private static byte[] Pad(byte[] data) => [.. data, .. new byte[(512 - data.Length % 512) % 512]];

    private static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while ((length.ToString(CultureInfo.InvariantCulture) + body).Length != length)
            length++;
        return Encoding.UTF8.GetBytes(length.ToString(CultureInfo.InvariantCulture) + body);
    }

    /// <summary>A ustar header block with a valid checksum.</summary>
    private static byte[] UstarHeader(string name, long size, byte type)
    {
        var block = new byte[512];
        Encoding.ASCII.GetBytes(name).CopyTo(block, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(block, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(block, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(block, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(block, 136);
        block[156] = type;
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(block, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(block, 263);
        Array.Fill(block, (byte)' ', 148, 8);
        var sum = block.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(block, 148);
        return block;
    }

    /// <summary>The package without its two zero blocks at the end (and the zero padding after them).</summary>
    private static byte[] TrimEndOfArchive(byte[] package)
    {
        var end = package.Length;
        while (end >= 512 && package.AsSpan(end - 512, 512).IndexOfAnyExcept((byte)0) < 0)
            end -= 512;
        return package[..end];
    }

    /// <summary>A forward-only stream: <paramref name="prefix"/>, then <paramref name="repeat"/> over and over, forever; counts what was read.</summary>
    private sealed class EndlessStream(byte[] prefix, byte[] repeat) : Stream
    {
        public EndlessStream(byte[] prefix, byte fill) : this(prefix, Enumerable.Repeat(fill, 4096).ToArray()) { }

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var at = BytesRead + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : repeat[(at - prefix.Length) % repeat.Length];
            }
            BytesRead += count;
            if (BytesRead > 8L << 30)
                throw new InvalidOperationException("read 8 GiB of an endless stream");
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
