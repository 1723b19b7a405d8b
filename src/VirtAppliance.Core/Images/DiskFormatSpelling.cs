using System.Diagnostics.CodeAnalysis;

namespace VirtAppliance.Core.Images;

/// <summary>
/// The text spellings of <see cref="DiskFormat"/>, in one place: the descriptor's <c>format=</c>
/// (also used by package manifests, the store and qemu-img) and libvirt's <c>&lt;driver type=&gt;</c>.
/// </summary>
public static class DiskFormatSpelling
{
    /// <summary>Every descriptor spelling, in enum order (for "use one of" hints).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<DiskFormat>().Select(ToText)];

    /// <summary>The descriptor spelling: raw, qcow2, qcow, vmdk, iso, vdi, vpc, vhdx.</summary>
    public static string ToText(this DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Qcow => "qcow",
        DiskFormat.Vmdk => "vmdk",
        DiskFormat.Iso => "iso",
        DiskFormat.Vdi => "vdi",
        DiskFormat.Vpc => "vpc",
        DiskFormat.Vhdx => "vhdx",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "This disk format has no spelling."),
    };

    /// <summary>
    /// libvirt's <c>&lt;driver type=&gt;</c>: the descriptor spelling, except that an ISO image is
    /// driven as <c>raw</c> (libvirt has no iso type; the disk's device="cdrom" says what it is).
    /// </summary>
    public static string ToDriverType(this DiskFormat format) => format == DiskFormat.Iso ? "raw" : format.ToText();

    /// <summary>Reads a descriptor spelling (exact, lower case); false for anything else, never a default.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out DiskFormat format)
    {
        foreach (var candidate in Enum.GetValues<DiskFormat>())
        {
            if (string.Equals(candidate.ToText(), text, StringComparison.Ordinal))
            {
                format = candidate;
                return true;
            }
        }

        format = default;
        return false;
    }

    /// <summary>Reads libvirt's <c>&lt;driver type=&gt;</c>; <c>raw</c> reads as <see cref="DiskFormat.Raw"/>, <c>iso</c> is not a driver type.</summary>
    public static bool TryParseDriverType([NotNullWhen(true)] string? text, out DiskFormat format)
    {
        if (TryParse(text, out format) && format != DiskFormat.Iso)
        {
            return true;
        }

        format = default;
        return false;
    }
}
