using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Distribution;

/// <summary>The release channels: stable, and testing (which also sees stable).</summary>
public static class Channels
{
    public const string Stable = "stable";

    public const string Testing = "testing";

    /// <summary>Checks a channel name given by a user.</summary>
    public static string Require(string? channel) => channel switch
    {
        null or "" => Stable,
        Stable or Testing => channel,
        _ => throw new InvalidInputException($"unknown channel '{channel}'") { Hint = "use --channel stable or --channel testing" },
    };

    /// <summary>Whether a client following <paramref name="following"/> sees a target of <paramref name="target"/>.</summary>
    public static bool Sees(string following, string target) => following == Testing || target == Stable;
}
