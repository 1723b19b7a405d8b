namespace VirtAppliance.Core.Internal;

/// <summary>The one "did you mean" rule: the closest known name within a third of its length.</summary>
public static class Spelling
{
    /// <summary>The known name closest to <paramref name="unknown"/>, or null when none is close enough to be a typo.</summary>
    public static string? Suggest(string unknown, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(unknown);
        ArgumentNullException.ThrowIfNull(known);
        return known.Select(name => (name, distance: EditDistance(unknown, name)))
            .Where(candidate => candidate.distance <= Math.Max(1, candidate.name.Length / 3))
            .OrderBy(candidate => candidate.distance)
            .Select(candidate => candidate.name)
            .FirstOrDefault();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
