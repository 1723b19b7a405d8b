using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Shouldly;
using VirtAppliance.Core.Packaging;
using Xunit;
using ZstdNet;

namespace VirtAppliance.Core.Tests.Packaging;

public class SparseZstdStreamTests
{
    private const int MiB = 1 << 20;

    // Not a multiple of 4096: the last run may end off a 4 KiB boundary, at the content's end.
    private const long ContentLength = (20L * MiB) + 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> MalformedCases => new(
        "bad magic",
        "wrong version",
        "reserved field not zero",
        "content length differs from the expected one",
        "run offset not 4096-aligned",
        "runs out of order",
        "runs overlapping",
        "run beyond the content end",
        "run of length 0",
        "run length not a multiple of 4096 inside the content",
        "negative run offset",
        "stored longer than raw",
        "run count 0 with stored bytes",
        "runs with 0 stored bytes",
        "run count over 4096",
        "record over 16 MiB",
        "record sharing a 4 MiB block with the previous one",
        "truncated in the header",
        "truncated in a record header",
        "truncated in the runs",
        "truncated in the data",
        "no end record",
        "bytes after the end record",
        "zstd frame that does not decompress",
        "zstd frame shorter than its runs",
        "zstd frame longer than its runs");

    [Fact]
    public async Task Valid_stream_decodes_to_its_content_digest_and_stored_digest()
    {
        // Given
        var (stream, content) = ValidStream();

        // When
        var (stored, digest) = await Decoder(null).DecodeAsync(new MemoryStream(stream), null, Ct);

        // Then
        digest.ShouldBe(ContentHash.HashAll(content));
        stored.ShouldBe(StoredDigestOf(stream));
    }

    [Fact]
    public async Task Valid_stream_restores_its_content_into_a_file_and_captures_the_head()
    {
        // Given
        using var folder = new TestFolder();
        var (stream, content) = ValidStream();
        var path = folder["restored.img"];

        // When
        using var output = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.SetLength(output, ContentLength);
        var decoder = new SparseZstdDecoder(ContentLength, output, hashContent: true, headLength: 64 << 10, threads: 2);
        var (_, digest) = await decoder.DecodeAsync(new MemoryStream(stream), null, Ct);

        // Then
        (await File.ReadAllBytesAsync(path, Ct)).ShouldBe(content);
        decoder.Head.ShouldBe(content.AsSpan(0, 64 << 10).ToArray());
        digest.ShouldBe(ContentHash.HashAll(content));
        Tools.ContentDigest(path).ShouldBe(Convert.ToHexStringLower(ContentHash.HashAll(content)));
    }

    [Fact]
    public async Task Verifying_without_decompressing_gives_the_same_stored_digest()
    {
        // Given
        var (stream, _) = ValidStream();

        // When
        var (stored, digest) = await new SparseZstdDecoder(ContentLength, null, hashContent: false, headLength: 0, threads: 2)
            .DecodeAsync(new MemoryStream(stream), null, Ct);

        // Then
        digest.ShouldBeNull();
        stored.ShouldBe(StoredDigestOf(stream));
    }

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public async Task Malformed_stream_is_refused(string malformedHow)
    {
        // Given
        var stream = Malformed(malformedHow);

        // When
        var decode = () => Decoder(null).DecodeAsync(new MemoryStream(stream), null, Ct);

        // Then
        var error = await Should.ThrowAsync<InvalidDataException>(decode);
        error.Message.ShouldStartWith("sparse-zstd stream:");
        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);
    }

    [Fact]
    public async Task A_version_2_stream_holds_records_of_up_to_64_MiB_and_no_more()
    {
        // Given: one zstd record of exactly 64 MiB, and one of 64 MiB + 4 KiB
        const long length = (65L * MiB) + 100;
        var content = Text(64 * MiB);
        using var compressor = new Compressor();
        var largest = Concat(Header(length, version: 2), Record([(0, 64 * MiB)], compressor.Wrap(content)), End());
        var tooLarge = Concat(Header(length, version: 2), Record([(0, 64 * MiB), (64L * MiB, 4096)], compressor.Wrap([.. content, .. Text(4096)])), End());
        var asVersion1 = Concat(Header(length, version: 1), largest.AsSpan(16).ToArray());

        // When
        var (_, digest) = await new SparseZstdDecoder(length, null, hashContent: true, headLength: 0, threads: 2).DecodeAsync(new MemoryStream(largest), null, Ct);
        var refused = await Should.ThrowAsync<InvalidDataException>(() =>
            new SparseZstdDecoder(length, null, hashContent: true, headLength: 0, threads: 2).DecodeAsync(new MemoryStream(tooLarge), null, Ct));
        var refusedInVersion1 = await Should.ThrowAsync<InvalidDataException>(() =>
            new SparseZstdDecoder(length, null, hashContent: true, headLength: 0, threads: 2).DecodeAsync(new MemoryStream(asVersion1), null, Ct));

        // Then
        digest.ShouldBe(ContentHash.HashAll([.. content, .. new byte[length - content.Length]]));
        refused.Message.ShouldContain($"holds more than {64 * MiB} bytes");
        refusedInVersion1.Message.ShouldContain($"holds more than {16 * MiB} bytes");
    }

    [Theory]
    [InlineData("mixed", 8)]
    [InlineData("empty", 8)]
    [InlineData("holes only", 8)]
    [InlineData("random 4 MiB + 1", 8)]
    [InlineData("mixed", 64)]
    [InlineData("40 MiB of text", 64)]
    [InlineData("40 MiB of text", 16)]
    public async Task Encoded_file_decodes_to_the_same_digests_and_bytes(string shape, int chunkMiB)
    {
        // Given
        using var folder = new TestFolder();
        var source = folder["source.img"];
        var length = WriteSparseFile(source, shape);
        var encoded = new MemoryStream();

        // When
        EncodedFile result;
        using (var handle = File.OpenHandle(source))
        using (var encoder = new SparseZstdEncoder(3, chunkMiB * MiB, 2, longDistance: true))
            result = await encoder.EncodeAsync(handle, length, encoded, null, Ct);
        var version = BinaryPrimitives.ReadUInt16BigEndian(encoded.GetBuffer().AsSpan(4));
        var (stored, content) = await new SparseZstdDecoder(length, null, hashContent: true, headLength: 0, threads: 2)
            .DecodeAsync(new MemoryStream(encoded.ToArray()), null, Ct);

        var restored = folder["restored.img"];
        using (var output = File.OpenHandle(restored, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(output, length);
            await new SparseZstdDecoder(length, output, hashContent: false, headLength: 0, threads: 2)
                .DecodeAsync(new MemoryStream(encoded.ToArray()), null, Ct);
        }

        // Then: records of more than 16 MiB make a version 2 stream, which older readers refuse by its number
        version.ShouldBe(chunkMiB > 16 ? (ushort)2 : (ushort)1);
        result.StoredLength.ShouldBe(encoded.Length);
        stored.ShouldBe(result.StoredDigest);
        stored.ShouldBe(StoredDigestOf(encoded.ToArray()));
        content.ShouldBe(result.ContentDigest);
        Convert.ToHexStringLower(result.ContentDigest).ShouldBe(Tools.ContentDigest(source));
        Tools.Sha256(restored).ShouldBe(Tools.Sha256(source));
    }

    private static SparseZstdDecoder Decoder(Microsoft.Win32.SafeHandles.SafeFileHandle? output) =>
        new(ContentLength, output, hashContent: true, headLength: 0, threads: 2);

    /// <summary>A raw record, a zstd record, a raw record of a whole 4 MiB block, and a raw record ending off a 4 KiB boundary.</summary>
    private static (byte[] Stream, byte[] Content) ValidStream()
    {
        var content = new byte[ContentLength];
        Random.Shared.NextBytes(content.AsSpan(0, 8192));
        Random.Shared.NextBytes(content.AsSpan(16384, 4096));
        Text(64 << 10).CopyTo(content, 8 * MiB);
        Random.Shared.NextBytes(content.AsSpan(12 * MiB, 4 * MiB));
        Random.Shared.NextBytes(content.AsSpan(20 * MiB, 100));

        using var compressor = new Compressor();
        var compressed = compressor.Wrap(content.AsSpan(8 * MiB, 64 << 10).ToArray());
        compressed.Length.ShouldBeLessThan(64 << 10);
        var stream = Concat(
            Header(ContentLength),
            Record([(0, 8192), (16384, 4096)], [.. content.AsSpan(0, 8192), .. content.AsSpan(16384, 4096)]),
            Record([(8L * MiB, 64 << 10)], compressed),
            Record([(12L * MiB, 4 * MiB)], content.AsSpan(12 * MiB, 4 * MiB).ToArray()),
            Record([(20L * MiB, 100)], content.AsSpan(20 * MiB, 100).ToArray()),
            End());
        return (stream, content);
    }

    private static byte[] Malformed(string how)
    {
        using var compressor = new Compressor();
        var (valid, _) = ValidStream();
        var record = Raw((0, 8192));
        return how switch
        {
            "bad magic" => Concat(Header(ContentLength, magic: "VASX"), End()),
            "wrong version" => Concat(Header(ContentLength, version: 3), End()),
            "reserved field not zero" => Concat(Header(ContentLength, reserved: 1), End()),
            "content length differs from the expected one" => Concat(Header(ContentLength + 1), End()),
            "run offset not 4096-aligned" => StreamOf(Raw((100, 4096))),
            "runs out of order" => StreamOf(Raw((8192, 4096), (0, 4096))),
            "runs overlapping" => StreamOf(Raw((0, 8192), (4096, 4096))),
            "run beyond the content end" => StreamOf(Raw((20L * MiB, 8192))),
            "run of length 0" => StreamOf(Raw((0, 0), (4096, 4096))),
            "run length not a multiple of 4096 inside the content" => StreamOf(Raw((0, 5000))),
            "negative run offset" => StreamOf(Raw((-4096, 4096))),
            "stored longer than raw" => StreamOf(Record([(0, 4096)], new byte[4097])),
            "run count 0 with stored bytes" => StreamOf(Record([], new byte[10])),
            "runs with 0 stored bytes" => StreamOf(Record([(0, 4096)], [])),
            "run count over 4096" => StreamOf(Raw([.. Enumerable.Range(0, 4097).Select(i => (i * 4096L, 4096))])),
            "record over 16 MiB" => StreamOf(Raw((0, 16 * MiB), (16L * MiB, 4096))),
            "record sharing a 4 MiB block with the previous one" => StreamOf(Raw((0, 4096)), Raw((8192, 4096))),
            "truncated in the header" => Header(ContentLength)[..10],
            "truncated in a record header" => Concat(Header(ContentLength), record[..4]),
            "truncated in the runs" => Concat(Header(ContentLength), Record([(0, 4096), (8192, 4096)], new byte[8192])[..14]),
            "truncated in the data" => Concat(Header(ContentLength), record[..^1]),
            "no end record" => Concat(Header(ContentLength), record),
            "bytes after the end record" => Concat(valid, [0]),
            "zstd frame that does not decompress" => StreamOf(Record([(0, 8192)], RandomBytes(100))),
            "zstd frame shorter than its runs" => StreamOf(Record([(0, 8192)], compressor.Wrap(Text(4096)))),
            "zstd frame longer than its runs" => StreamOf(Record([(0, 4096)], compressor.Wrap(Text(8192)))),
            _ => throw new ArgumentOutOfRangeException(nameof(how), how, null),
        };
    }

    /// <summary>Header, the records, end record.</summary>
    private static byte[] StreamOf(params byte[][] records) => Concat([Header(ContentLength), .. records, End()]);

    private static byte[] Header(long length, string magic = "VASZ", ushort version = 1, ushort reserved = 0)
    {
        var header = new byte[16];
        Encoding.ASCII.GetBytes(magic).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), version);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), reserved);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(8), length);
        return header;
    }

    private static byte[] Record((long Offset, int Length)[] runs, byte[] stored)
    {
        var record = new byte[8 + (runs.Length * 12) + stored.Length];
        BinaryPrimitives.WriteInt32BigEndian(record.AsSpan(0), runs.Length);
        BinaryPrimitives.WriteInt32BigEndian(record.AsSpan(4), stored.Length);
        for (var i = 0; i < runs.Length; i++)
        {
            BinaryPrimitives.WriteInt64BigEndian(record.AsSpan(8 + (i * 12)), runs[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(record.AsSpan(8 + (i * 12) + 8), runs[i].Length);
        }

        stored.CopyTo(record, 8 + (runs.Length * 12));
        return record;
    }

    /// <summary>A record that stores its runs' random content as it is.</summary>
    private static byte[] Raw(params (long Offset, int Length)[] runs) => Record(runs, RandomBytes(runs.Sum(r => Math.Max(0, r.Length))));

    private static byte[] End() => new byte[8];

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Text(int count)
    {
        var line = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog 0123456789\n");
        return [.. Enumerable.Range(0, count).Select(i => line[i % line.Length])];
    }

    /// <summary>The stored digest computed from scratch: the structure as it is, each record's stored bytes as the SHA-256 of their 4 MiB pieces.</summary>
    private static byte[] StoredDigestOf(byte[] stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(stream, 0, 16);
        var position = 16;
        while (true)
        {
            var runCount = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(position));
            var storedLength = BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(position + 4));
            var structure = 8 + (runCount * 12);
            hash.AppendData(stream, position, structure);
            position += structure;
            if (runCount == 0)
                break;
            for (var piece = 0; piece < storedLength; piece += ContentHash.BlockLength)
                hash.AppendData(SHA256.HashData(stream.AsSpan(position + piece, Math.Min(ContentHash.BlockLength, storedLength - piece))));
            position += storedLength;
        }

        position.ShouldBe(stream.Length);
        return hash.GetHashAndReset();
    }

    /// <summary>Writes a sparse test file; returns its length.</summary>
    private static long WriteSparseFile(string path, string shape)
    {
        using var file = File.Create(path);
        void Put(long offset, byte[] data)
        {
            file.Position = offset;
            file.Write(data);
        }

        switch (shape)
        {
            case "mixed":
                // A mostly-data chunk across a chunk boundary, then sparse chunks the encoder gathers, and a partial tail.
                file.SetLength((40L * MiB) + 1234);
                Put(4L * MiB, RandomBytes(9 * MiB));
                Put(20L * MiB, Text(MiB));
                for (var k = 0; k < 10; k++)
                    Put((26L * MiB) + (k * (64L << 10)), RandomBytes(4096));
                Put(40L * MiB, RandomBytes(1234));
                break;
            case "empty":
                break;
            case "holes only":
                file.SetLength((12L * MiB) + 5);
                break;
            case "random 4 MiB + 1":
                Put(0, RandomBytes((4 * MiB) + 1));
                break;
            case "40 MiB of text":
                // One chunk of 64 MiB holds it all: a record of more than 16 MiB.
                Put(0, Text(40 * MiB));
                file.SetLength(48L * MiB);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }

        return file.Length;
    }
}
