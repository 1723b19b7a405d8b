namespace VirtAppliance.Core.Packaging;

/// <summary>The file of the base version a delta-zstd file copies from, as the base's manifest records it.</summary>
/// <param name="Path">Its path in the base appliance.</param>
/// <param name="Size">Its size.</param>
/// <param name="ContentDigest">Its content digest: the installed base file must have it.</param>
public sealed record PackageBaseFile(string Path, long Size, string ContentDigest);
