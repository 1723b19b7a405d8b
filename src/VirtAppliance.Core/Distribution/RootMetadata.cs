namespace VirtAppliance.Core.Distribution;

/// <summary>root.json's signed part: the keys (fingerprint → armored public key) and, per role, which of them sign and how many must.</summary>
internal sealed record RootMetadata(long Version, DateTimeOffset Expires, IReadOnlyDictionary<string, string> Keys, IReadOnlyDictionary<string, RoleKeys> Roles)
{
    public const string Root = "root";
    public const string Targets = "targets";
    public const string Snapshot = "snapshot";
    public const string Timestamp = "timestamp";

    public static readonly string[] RoleNames = [Root, Targets, Snapshot, Timestamp];

    public RoleKeys Role(string name) => Roles[name];
}
