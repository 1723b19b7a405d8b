using Shouldly;
using VirtAppliance.Core.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

public class ContentHashTests
{
    private const int Block = ContentHash.BlockLength;

    [Theory]
    [InlineData("empty")]
    [InlineData("all zeros")]
    [InlineData("holes")]
    [InlineData("partial last block")]
    [InlineData("zero partial last block")]
    [InlineData("exactly 4 MiB")]
    [InlineData("4 MiB + 1")]
    [InlineData("one byte")]
    public void Digest_equals_the_coreutils_digest(string shape)
    {
        // Given
        using var folder = new TestFolder();
        var (length, pieces) = Shape(shape);
        var path = WriteSparse(folder["file"], length, pieces);

        // When
        var digest = ContentHash.HashAll(File.ReadAllBytes(path));

        // Then
        Convert.ToHexStringLower(digest).ShouldBe(Tools.ContentDigest(path));
    }

    [Theory]
    [InlineData("holes")]
    [InlineData("all zeros")]
    [InlineData("zero partial last block")]
    [InlineData("exactly 4 MiB")]
    public void Append_of_the_data_blocks_only_equals_the_coreutils_digest(string shape)
    {
        // Given
        using var folder = new TestFolder();
        var (length, pieces) = Shape(shape);
        var path = WriteSparse(folder["file"], length, pieces);
        var bytes = File.ReadAllBytes(path);

        // When: only the blocks that hold data are appended
        using var hash = new ContentHash(length);
        for (long offset = 0; offset < length; offset += Block)
        {
            var block = bytes.AsSpan((int)offset, (int)Math.Min(Block, length - offset));
            if (block.ContainsAnyExcept((byte)0))
                hash.Append(offset, ContentHash.HashBlocks(block));
        }

        // Then
        Convert.ToHexStringLower(hash.Finish()).ShouldBe(Tools.ContentDigest(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Append_with_gaps_equals_hashing_the_zero_filled_bytes(bool appendTail)
    {
        // Given: data in blocks 0, 3-4 and a partial block 7; blocks 1-2 and 5-6 are skipped
        var length = (7L * Block) + 100;
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes.AsSpan(0, 10));
        Random.Shared.NextBytes(bytes.AsSpan((3 * Block) + 5, Block));
        Random.Shared.NextBytes(bytes.AsSpan(7 * Block, appendTail ? 100 : 0));

        // When
        using var hash = new ContentHash(length);
        hash.Append(0, ContentHash.HashBlocks(bytes.AsSpan(0, Block)));
        hash.Append(3L * Block, ContentHash.HashBlocks(bytes.AsSpan(3 * Block, 2 * Block)));
        if (appendTail)
            hash.Append(7L * Block, ContentHash.HashBlocks(bytes.AsSpan(7 * Block)));
        var digest = hash.Finish();

        // Then
        digest.ShouldBe(ContentHash.HashAll(bytes));
    }

    [Fact]
    public void Append_refuses_an_offset_off_a_block_boundary_or_going_back()
    {
        // Given
        using var hash = new ContentHash(3L * Block);
        hash.Append(Block, ContentHash.HashBlocks(new byte[Block]));

        // When
        var offBoundary = () => hash.Append((2L * Block) + 4096, ContentHash.HashBlocks(new byte[Block]));
        var back = () => hash.Append(0, ContentHash.HashBlocks(new byte[Block]));

        // Then
        offBoundary.ShouldThrow<ArgumentException>();
        back.ShouldThrow<ArgumentException>();
    }

    [Fact]
    public void Zero_block_digest_is_the_sha256_of_4_MiB_of_zeros()
    {
        // Given
        var zeros = new byte[Block];

        // When
        var digests = ContentHash.HashBlocks(zeros);

        // Then
        digests.ShouldBe(System.Security.Cryptography.SHA256.HashData(zeros));
        ContentHash.ZeroBlockDigest.ToArray().ShouldBe(digests);
    }

    /// <summary>A file's length and its data pieces (offset, length); the rest is holes.</summary>
    private static (long Length, (long Offset, int Length)[] Pieces) Shape(string shape) => shape switch
    {
        "empty" => (0, []),
        "all zeros" => ((2L * Block) + 12345, []),
        "holes" => ((5L * Block) + 777, [(0, 4096), ((2L * Block) + 12345, 100_000), ((5L * Block) + 700, 77)]),
        "partial last block" => ((2L * Block) + 1000, [(0, (2 * Block) + 1000)]),
        "zero partial last block" => ((Block * 3L / 2) + 1, [(0, 4096)]),
        "exactly 4 MiB" => (Block, [(0, Block)]),
        "4 MiB + 1" => (Block + 1L, [(0, Block + 1)]),
        "one byte" => (1, [(0, 1)]),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
    };

    private static string WriteSparse(string path, long length, (long Offset, int Length)[] pieces)
    {
        using var file = File.Create(path);
        file.SetLength(length);
        foreach (var (offset, count) in pieces)
        {
            var data = new byte[count];
            Random.Shared.NextBytes(data);
            file.Position = offset;
            file.Write(data);
        }

        return path;
    }
}
