using System.Globalization;
using System.Text;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// A forward-only view of a package stream that follows the tar structure as the bytes pass and refuses an
/// extended header (pax 'x'/'g', GNU 'L'/'K') larger than <see cref="MaxExtendedHeaderBytes"/> before
/// System.Formats.Tar reads it: its reader loads such a header whole into memory (up to 2 GiB), so a hostile
/// package or an endless stream could make it allocate and read that much before anything is checked.
/// Written here because TarReader has no such limit; it sees only header blocks and the pax "size" record.
/// </summary>
internal sealed class TarHeaderLimit(Stream inner) : Stream
{
    private const int Block = 512;
    private const int SizeOffset = 124;
    private const int SizeLength = 12;
    private const int TypeOffset = 156;

    /// <summary>Room for what the writer puts in one: the path, size, mtime and a comment filling the header entries' room.</summary>
    public const long MaxExtendedHeaderBytes = PackageLayout.MaxDescriptorBytes + PackageLayout.MaxManifestBytes + PackageLayout.MaxSignatureBytes + (64 << 10);

    private readonly byte[] header = new byte[Block];
    private long position;
    private long nextHeader;
    private long paxStart = -1;
    private long paxEnd = -1;
    private MemoryStream? pax;
    private long? paxSize;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Inspect(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        var end = position + bytes.Length;
        while (position < end)
        {
            if (position >= nextHeader && position < nextHeader + Block)
            {
                var inHeader = (int)(position - nextHeader);
                var take = (int)Math.Min(Block - inHeader, end - position);
                bytes.Slice((int)(position - (end - bytes.Length)), take).CopyTo(header.AsSpan(inHeader));
                position += take;
                if (inHeader + take == Block)
                    HeaderComplete();
                continue;
            }

            if (position >= paxStart && position < paxEnd && pax is not null)
            {
                var take = (int)Math.Min(paxEnd - position, end - position);
                pax.Write(bytes.Slice((int)(position - (end - bytes.Length)), take));
                position += take;
                if (position == paxEnd)
                    PaxComplete();
                continue;
            }

            // Entry data: skip to the next header or pax data (or to the end of what was read).
            var next = pax is not null && paxStart > position ? Math.Min(nextHeader, paxStart) : nextHeader;
            position = next > position ? Math.Min(end, next) : end;
        }
    }

    private void HeaderComplete()
    {
        var start = nextHeader;
        if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            nextHeader = start + Block;
            return;
        }

        var type = (char)header[TypeOffset];
        var size = ParseSize(header.AsSpan(SizeOffset, SizeLength));
        if (type is 'x' or 'X' or 'g' or 'L' or 'K')
        {
            if (size > MaxExtendedHeaderBytes)
                throw new InvalidDataException($"an extended tar header of {size} bytes, more than the {MaxExtendedHeaderBytes} a package may have");
            if (type is 'x' or 'X')
            {
                pax = new MemoryStream((int)size);
                paxStart = start + Block;
                paxEnd = paxStart + size;
                if (size == 0)
                    PaxComplete();
            }
        }
        else if (paxSize is { } fromPax)
        {
            size = fromPax;
            paxSize = null;
        }

        nextHeader = start + Block + ((size + Block - 1) / Block * Block);
    }

    private void PaxComplete()
    {
        // Records are "LENGTH key=value\n"; only "size" moves the next header.
        var text = Encoding.UTF8.GetString(pax!.ToArray());
        pax = null;
        paxStart = paxEnd = -1;
        foreach (var record in text.Split('\n'))
        {
            var space = record.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && record.AsSpan(space + 1).StartsWith("size=", StringComparison.Ordinal)
                && long.TryParse(record.AsSpan(space + 1 + "size=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                paxSize = size;
        }
    }

    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian binary after the marker bit.
            long value = field[0] & 0x7f;
            foreach (var b in field[1..])
                value = checked((value << 8) | b);
            return value;
        }

        long octal = 0;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (octal > 0)
                    break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7')
                throw new InvalidDataException("a tar header's size field is not an octal number");
            octal = checked((octal * 8) + (b - '0'));
        }
        return octal;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
