namespace VirtAppliance.Core.Distribution;

/// <summary>File names of a repository (the same on the server and in a client's copy).</summary>
internal static class RepositoryLayout
{
    public const string Root = "root.json";
    public const string Targets = "targets.json";
    public const string Snapshot = "snapshot.json";
    public const string Timestamp = "timestamp.json";
    public const string TargetsFolder = "targets";

    /// <summary>Packages added but not published yet (unsigned; publish signs them into targets.json).</summary>
    public const string Staged = "staged.json";

    /// <summary>Each root version also stays as N.root.json, so that a client can walk the rotations one by one.</summary>
    public static string VersionedRoot(long version) => $"{version}.root.json";
}
