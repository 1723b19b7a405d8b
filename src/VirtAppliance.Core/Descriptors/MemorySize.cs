namespace VirtAppliance.Core.Descriptors;

/// <summary>libvirt's memory units, converted to KiB (the unit virt-image used throughout).</summary>
internal static class MemorySize
{
    private static readonly Dictionary<string, decimal> KiBPerUnit = new(StringComparer.Ordinal)
    {
        ["b"] = 1m / 1024, ["bytes"] = 1m / 1024,
        ["KB"] = 1000m / 1024, ["k"] = 1, ["KiB"] = 1,
        ["MB"] = 1_000_000m / 1024, ["M"] = 1024, ["MiB"] = 1024,
        ["GB"] = 1_000_000_000m / 1024, ["G"] = 1024 * 1024, ["GiB"] = 1024 * 1024,
        ["TB"] = 1_000_000_000_000m / 1024, ["T"] = 1024L * 1024 * 1024, ["TiB"] = 1024L * 1024 * 1024,
    };

    public static IEnumerable<string> Units => KiBPerUnit.Keys;

    /// <summary>Converts; null when the unit is unknown. Rounds up so a requirement is never understated.</summary>
    public static long? ToKiB(long value, string? unit)
    {
        if (!KiBPerUnit.TryGetValue(unit ?? "KiB", out var factor))
            return null;
        return (long)Math.Ceiling(value * factor);
    }
}
