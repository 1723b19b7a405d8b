namespace VirtAppliance.Core.DomainXml;

/// <summary>An image file: <c>&lt;disk type='file'&gt;&lt;source file=…/&gt;</c>.</summary>
public sealed record FileDiskSource(string Path) : DiskSource;
