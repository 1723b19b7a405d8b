namespace VirtAppliance.Core.Internal;

/// <summary>libvirt's memory units (<c>unit='KiB'</c>): KB, MB … are powers of 1000, k, KiB, M, MiB … of 1024.</summary>
internal static class MemoryUnits
{
    /// <summary>libvirt's spellings, for messages.</summary>
    public static IReadOnlyList<string> Units { get; } = ["b", "bytes", "KB", "k", "KiB", "MB", "M", "MiB", "GB", "G", "GiB", "TB", "T", "TiB"];

    /// <summary>The size in KiB, rounded up; null when the unit is unknown or the size overflows.</summary>
    public static long? ToKiB(long value, string? unit)
    {
        (long multiplier, long divisor)? factor = (unit ?? "KiB") switch
        {
            "b" or "bytes" => (1, 1024),
            "KB" => (1000, 1024),
            "k" or "KiB" => (1, 1),
            "MB" => (1000L * 1000, 1024),
            "M" or "MiB" => (1024, 1),
            "GB" => (1000L * 1000 * 1000, 1024),
            "G" or "GiB" => (1024L * 1024, 1),
            "TB" => (1000L * 1000 * 1000 * 1000, 1024),
            "T" or "TiB" => (1024L * 1024 * 1024, 1),
            _ => null,
        };
        if (factor is not var (multiplier, divisor) || value < 0)
        {
            return null;
        }

        try
        {
            var scaled = checked(value * multiplier);
            return (scaled + divisor - 1) / divisor;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
