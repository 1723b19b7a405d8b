using System.Globalization;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Distribution;

/// <summary>Metadata lifetimes as users write them: 30s, 10m, 12h, 7d.</summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? span = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } value)
                return value;
        }
        throw new InvalidInputException($"{option} {text}: not a duration") { Hint = "give a number and a unit: 30s, 10m, 12h or 7d" };
    }
}
