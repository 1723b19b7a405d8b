namespace VirtAppliance.Core.Descriptors;

/// <summary>A digest of a disk image as the descriptor declares it (<c>sha1</c> or <c>sha256</c>, lower-case hex).</summary>
public sealed record DiskChecksum(string Algorithm, string Value);
