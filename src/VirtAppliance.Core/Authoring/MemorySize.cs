using System.Globalization;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Authoring;

/// <summary>A memory size as a user types it: 512M, 1G, 1536MiB, 2GiB, or a plain number of MiB.</summary>
public static class MemorySize
{
    /// <summary>The size in KiB.</summary>
    /// <exception cref="InvalidInputException">Not a size, or zero.</exception>
    public static long ParseKiB(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var digits = trimmed.TakeWhile(char.IsAsciiDigit).Count();
        var unit = trimmed[digits..].Trim() switch
        {
            "" => "MiB",
            "m" => "M",
            "g" => "G",
            "t" => "T",
            "K" => "k",
            var other => other,
        };
        if (digits > 0 && long.TryParse(trimmed[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            && MemoryUnits.ToKiB(value, unit) is { } kib)
            return kib;
        throw new InvalidInputException($"--memory {text}: not a memory size")
        {
            Hint = "write e.g. 512M, 1G or 2GiB (a plain number is MiB)",
        };
    }
}
