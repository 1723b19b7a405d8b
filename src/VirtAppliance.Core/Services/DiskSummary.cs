using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Services;

/// <summary>A disk as inspect shows it: declared role and format, and the image file's sizes when present.</summary>
/// <param name="FileBytes">Apparent length of the image file, null when there is no file here.</param>
/// <param name="AllocatedBytes">Bytes the file really occupies (sparse files occupy less).</param>
public sealed record DiskSummary(
    string Id,
    string? File,
    DiskRole Role,
    DiskFormat Format,
    long? DeclaredSizeMiB,
    long? FileBytes,
    long? AllocatedBytes,
    IReadOnlyList<string> Targets);
