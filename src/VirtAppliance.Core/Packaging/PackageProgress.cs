namespace VirtAppliance.Core.Packaging;

/// <summary>Progress of a pack, verify or extract: the file at work and how far it got.</summary>
/// <param name="Path">The file being processed.</param>
/// <param name="FileIndex">Its zero-based position among <paramref name="FileCount"/> files.</param>
/// <param name="FileCount">How many files there are.</param>
/// <param name="BytesDone">Bytes of this file done.</param>
/// <param name="BytesTotal">Bytes of this file in all.</param>
public readonly record struct PackageProgress(string Path, int FileIndex, int FileCount, long BytesDone, long BytesTotal);
