using System.Globalization;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// The size a user asks a disk to grow to: absolute (<c>20G</c>) or relative to its size now (<c>+5G</c>).
/// A unit is required: qemu-img reads a plain number as bytes and virsh as KiB, so neither guess is safe.
/// </summary>
public sealed record DiskSizeRequest(long Bytes, bool Relative)
{
    /// <exception cref="InvalidInputException">Not a size with a unit, or zero.</exception>
    public static DiskSizeRequest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var relative = trimmed.StartsWith('+');
        var body = relative ? trimmed[1..] : trimmed;
        var digits = body.TakeWhile(char.IsAsciiDigit).Count();
        var unit = body[digits..].Trim() switch
        {
            "K" => "k",
            "m" => "M",
            "g" => "G",
            "t" => "T",
            var other => other,
        };
        if (digits > 0 && unit is not ("" or "b" or "bytes")
            && long.TryParse(body[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            && MemoryUnits.ToKiB(value, unit) is { } kib && kib <= long.MaxValue / 1024)
            return new DiskSizeRequest(kib * 1024, relative);
        throw new InvalidInputException($"'{text}' is not a disk size")
        {
            Hint = "give the new size with a unit, e.g. 20G or 512MiB, or what to add, e.g. +5G (K, M, G, T are powers of 1024; KB, MB, GB, TB of 1000)",
        };
    }

    /// <summary>The size the disk should have, rounded up to whole 512-byte sectors (what qemu-img and libvirt take).</summary>
    public long TargetFor(long current)
    {
        var wanted = Relative ? checked(current + Bytes) : Bytes;
        return checked((wanted + 511) / 512 * 512);
    }

    public override string ToString() => (Relative ? "+" : "") + Bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
