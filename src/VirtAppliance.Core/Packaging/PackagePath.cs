namespace VirtAppliance.Core.Packaging;

/// <summary>The rules a path inside a package obeys (portable, relative, no way out of the folder).</summary>
internal static class PackagePath
{
    /// <summary>Returns why <paramref name="path"/> is not allowed, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (path.Length == 0)
            return "the path is empty";
        if (path.Length > PackageLayout.MaxPathLength)
            return $"the path is longer than {PackageLayout.MaxPathLength} characters";
        if (path[0] == '/')
            return "the path is absolute";
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
                return "the path has an empty segment";
            if (segment is "." or "..")
                return "the path contains '.' or '..'";
            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '@' or '~' or ','))
                    return $"the path contains the character '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())}' (allowed: letters, digits, . _ - + @ ~ ,)";
            }
        }

        if (path is PackageLayout.ManifestName or PackageLayout.SignatureName)
            return "the name is reserved for the package's own entries";
        return null;
    }
}
