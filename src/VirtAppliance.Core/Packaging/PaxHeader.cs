using System.Text;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Builds the pax header blocks (an 'x' extended header and a ustar header) of one regular-file
/// entry, at an exact length. Written by hand because System.Formats.Tar's writer needs an entry's
/// data to write its header: pack writes each disk's encoding straight into the package, behind a
/// header slot it fills in afterwards, and lets the first payload's header absorb the room left
/// over by the manifest and signature (with a pax "comment" record, which readers ignore).
/// </summary>
internal static class PaxHeader
{
    public const int BlockLength = 512;

    private const int NameLength = 100;
    private const int ModeOffset = 100;
    private const int UidOffset = 108;
    private const int GidOffset = 116;
    private const int SizeOffset = 124;
    private const int MtimeOffset = 136;
    private const int ChecksumOffset = 148;
    private const int TypeOffset = 156;
    private const int MagicOffset = 257;
    private const int VersionOffset = 263;
    private const long MaxUstarSize = (1L << 33) - 1; // 11 octal digits

    /// <summary>The longest header an entry of this name can need (the size field at its widest).</summary>
    public static int MaxLength(string name) => NaturalLength(Records(name, PackageLayout.MaxFileSize, long.MaxValue, null));

    /// <summary>The shortest header of this entry: one ustar block when its fields fit, else with pax records.</summary>
    public static int Length(string name, long size, long mtime) =>
        FitsUstar(name, size, mtime) ? BlockLength : NaturalLength(Records(name, size, mtime, null));

    /// <summary>
    /// The header of a regular file, exactly <paramref name="length"/> bytes: 512 for a plain ustar
    /// header (when <see cref="Length"/> is 512), else the pax form's length plus whole blocks.
    /// </summary>
    public static byte[] Build(string name, long size, DateTimeOffset modified, int length)
    {
        var mtime = modified.ToUnixTimeSeconds();
        if (length == BlockLength && FitsUstar(name, size, mtime))
        {
            var plain = new byte[BlockLength];
            WriteUstar(plain, name, size, mtime, (byte)'0');
            return plain;
        }

        var records = Records(name, size, mtime, null);
        var natural = NaturalLength(records);
        if (length < natural || (length - natural) % BlockLength != 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"a header of '{name}' takes {natural} bytes plus whole blocks");
        if (length > natural)
        {
            // The comment record fills the records' last block and then the extra blocks exactly.
            var recordLength = RoundUp(records.Length) - records.Length + (length - natural);
            var value = new string(' ', recordLength - Digits(recordLength) - " comment=\n".Length);
            records = Records(name, size, mtime, value);
        }

        var header = new byte[length];
        var recordsBlocks = RoundUp(records.Length);
        WriteUstar(header.AsSpan(0, BlockLength), ExtendedName(name), records.Length, mtime, (byte)'x');
        records.CopyTo(header, BlockLength);
        WriteUstar(header.AsSpan(BlockLength + recordsBlocks, BlockLength), name, size, mtime, (byte)'0');
        return header;
    }

    private static bool FitsUstar(string name, long size, long mtime) =>
        name.Length <= NameLength && Ascii.IsValid(name) && size <= MaxUstarSize && mtime is >= 0 and <= MaxUstarSize;

    public static long RoundUp(long length) => (length + BlockLength - 1) / BlockLength * BlockLength;

    private static int RoundUp(int length) => (length + BlockLength - 1) / BlockLength * BlockLength;

    private static int NaturalLength(byte[] records) => BlockLength + RoundUp(records.Length) + BlockLength;

    private static byte[] Records(string name, long size, long mtime, string? comment)
    {
        var text = new StringBuilder();
        Record(text, "path", name);
        Record(text, "size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Record(text, "mtime", mtime.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (comment is not null)
            Record(text, "comment", comment);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Appends "LENGTH key=value\n", where LENGTH counts the whole record, its own digits included.</summary>
    private static void Record(StringBuilder text, string key, string value)
    {
        var rest = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        var length = rest + Digits(rest);
        if (Digits(length) != Digits(rest))
            length = rest + Digits(length);
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{length} {key}={value}\n");
    }

    private static int Digits(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    private static string ExtendedName(string name)
    {
        var extended = "PaxHeaders/" + name;
        return extended.Length <= NameLength ? extended : extended[^NameLength..];
    }

    private static void WriteUstar(Span<byte> block, string name, long size, long mtime, byte type)
    {
        // The pax records carry the full path and size; the ustar fields hold what fits.
        var nameBytes = Encoding.UTF8.GetBytes(name);
        nameBytes.AsSpan(0, Math.Min(nameBytes.Length, NameLength)).CopyTo(block);
        Octal(block.Slice(ModeOffset, 8), 0b110_100_100);
        Octal(block.Slice(UidOffset, 8), 0);
        Octal(block.Slice(GidOffset, 8), 0);
        Octal(block.Slice(SizeOffset, 12), size <= MaxUstarSize ? size : 0);
        Octal(block.Slice(MtimeOffset, 12), Math.Clamp(mtime, 0, MaxUstarSize));
        block[TypeOffset] = type;
        "ustar\0"u8.CopyTo(block[MagicOffset..]);
        "00"u8.CopyTo(block[VersionOffset..]);

        block.Slice(ChecksumOffset, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in block)
            sum += b;
        Octal(block.Slice(ChecksumOffset, 7), sum);
        block[ChecksumOffset + 7] = (byte)' ';
    }

    /// <summary>Zero-padded octal digits followed by a NUL, filling the field.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }
}
