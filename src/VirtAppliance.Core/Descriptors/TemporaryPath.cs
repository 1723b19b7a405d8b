namespace VirtAppliance.Core.Descriptors;

/// <summary>An rwtab entry: <c>empty</c> (an empty folder), <c>dirs</c> (the folder tree) or <c>files</c> (a full copy).</summary>
public sealed record TemporaryPath(string Path, TemporaryPathKind Kind);
