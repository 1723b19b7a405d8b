using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Authoring;

/// <summary>One <c>--disk FILE[:ROLE]</c> of init: an image file and, when given, its role.</summary>
/// <param name="Path">The image file as given.</param>
/// <param name="Role">The role given after the last colon; null when none was (see <see cref="RolesOf"/>).</param>
public sealed record DiskSpec(string Path, DiskRole? Role)
{
    /// <summary>The role spellings: system, user (alias data), scratch.</summary>
    public static IReadOnlyList<string> RoleNames { get; } = [.. XmlNames.DiskRoles.Keys];

    /// <summary>
    /// Reads <c>FILE[:ROLE]</c>. The text after the last colon is a role when it is one; a file that
    /// exists under the whole text (a colon in its name) is taken as it is.
    /// </summary>
    /// <exception cref="InvalidInputException">The text after the last colon is no role and the whole is no file.</exception>
    public static DiskSpec Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var colon = text.LastIndexOf(':');
        if (colon < 0 || File.Exists(text))
            return new DiskSpec(text, null);
        var (file, role) = (text[..colon], text[(colon + 1)..]);
        if (file.Length == 0)
            throw new InvalidInputException($"--disk {text}: no file before the role") { Hint = "write --disk FILE:ROLE, e.g. --disk root.img:system" };
        if (XmlNames.DiskRoles.TryGetValue(role, out var parsed))
            return new DiskSpec(file, parsed);
        var suggestion = Spelling.Suggest(role, RoleNames);
        throw new InvalidInputException($"--disk {text}: '{role}' is not a disk role")
        {
            Hint = (suggestion is null ? "" : $"did you mean '{suggestion}'? ") + "the roles are system (the supplier's code), user (the customer's data; alias data) and scratch (recreated empty)",
        };
    }

    /// <summary>Each disk's role: the one given, else system for the first disk and user for the others.</summary>
    public static IReadOnlyList<DiskRole> RolesOf(IReadOnlyList<DiskSpec> disks)
    {
        ArgumentNullException.ThrowIfNull(disks);
        return [.. disks.Select((disk, index) => disk.Role ?? (index == 0 ? DiskRole.System : DiskRole.User))];
    }
}
