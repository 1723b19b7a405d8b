namespace VirtAppliance.Core.Store;

/// <summary>
/// Orders appliance versions the way rpm orders package versions (rpmvercmp), so that 10.0 is newer than 9.2,
/// 1.0 newer than 1.0~rc1, and a supplier used to RPM or Debian versions gets no surprise. Written here because
/// no maintained .NET package implements rpm's rules, and the rules are short.
/// </summary>
public static class VersionOrder
{
    /// <summary>Negative when <paramref name="left"/> is older, positive when newer, 0 when rpm would call them equal.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (string.Equals(left, right, StringComparison.Ordinal))
            return 0;
        int i = 0, j = 0;
        while (i < left.Length || j < right.Length)
        {
            // Separators ('.', '_', '+') only split segments; a tilde sorts before everything, even the end.
            while (i < left.Length && !char.IsAsciiLetterOrDigit(left[i]) && left[i] != '~')
                i++;
            while (j < right.Length && !char.IsAsciiLetterOrDigit(right[j]) && right[j] != '~')
                j++;
            var leftTilde = i < left.Length && left[i] == '~';
            var rightTilde = j < right.Length && right[j] == '~';
            if (leftTilde || rightTilde)
            {
                if (!leftTilde)
                    return 1;
                if (!rightTilde)
                    return -1;
                i++;
                j++;
                continue;
            }
            if (i >= left.Length || j >= right.Length)
                break;

            var numeric = char.IsAsciiDigit(left[i]);
            Func<char, bool> inSegment = numeric ? char.IsAsciiDigit : char.IsAsciiLetter;
            var leftStart = i;
            while (i < left.Length && inSegment(left[i]))
                i++;
            var rightStart = j;
            while (j < right.Length && inSegment(right[j]))
                j++;
            var leftSegment = left.AsSpan(leftStart, i - leftStart);
            var rightSegment = right.AsSpan(rightStart, j - rightStart);
            // Segments of different kinds: a number is newer than letters.
            if (rightSegment.IsEmpty)
                return numeric ? 1 : -1;
            if (numeric)
            {
                leftSegment = leftSegment.TrimStart('0');
                rightSegment = rightSegment.TrimStart('0');
                if (leftSegment.Length != rightSegment.Length)
                    return leftSegment.Length.CompareTo(rightSegment.Length);
            }
            var order = leftSegment.SequenceCompareTo(rightSegment);
            if (order != 0)
                return Math.Sign(order);
        }
        // Whichever still has segments left is newer.
        var leftLeft = i < left.Length;
        var rightLeft = j < right.Length;
        return leftLeft == rightLeft ? 0 : leftLeft ? 1 : -1;
    }

    /// <summary>Version first, then release, as rpm compares VERSION-RELEASE.</summary>
    public static int Compare(string leftVersion, string leftRelease, string rightVersion, string rightRelease)
    {
        var byVersion = Compare(leftVersion, rightVersion);
        return byVersion != 0 ? byVersion : Compare(leftRelease, rightRelease);
    }
}
