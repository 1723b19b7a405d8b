namespace VirtAppliance.Core.Distribution;

/// <summary>What one metadata file says of another: its version, length and SHA-256 (TUF's METAFILES entry).</summary>
internal sealed record MetaFile(long Version, long Length, string Sha256);
