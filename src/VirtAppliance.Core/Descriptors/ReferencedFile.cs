namespace VirtAppliance.Core.Descriptors;

/// <summary>A file an appliance consists of, as the descriptor names it.</summary>
public sealed record ReferencedFile(string Path, ReferencedFileKind Kind, SourceLocation Location, DiskDescriptor? Disk);
