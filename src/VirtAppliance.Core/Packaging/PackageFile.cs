namespace VirtAppliance.Core.Packaging;

/// <summary>A file to put into a package.</summary>
/// <param name="RelativePath">Path relative to the appliance folder, with '/' separators.</param>
/// <param name="Role">What the file is for; disks are stored sparse and compressed.</param>
/// <param name="Format">The declared image format for disks (raw, qcow2, iso …), else null.</param>
public sealed record PackageFile(string RelativePath, PackageFileRole Role, string? Format = null);
