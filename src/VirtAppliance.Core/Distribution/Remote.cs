namespace VirtAppliance.Core.Distribution;

/// <summary>A repository this store installs from, and the root version the client trusts now.</summary>
public sealed record Remote(string Name, string Url, IReadOnlyList<string> RootKeys, long RootVersion, long? TimestampVersion, DateTimeOffset? TimestampExpires);
