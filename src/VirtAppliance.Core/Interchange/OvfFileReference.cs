using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Interchange;

/// <summary>A <c>References/File</c> of an OVF descriptor: a file of the package, by its id.</summary>
/// <param name="Href">The file's name relative to the descriptor (an OVA holds it as a tar entry of that name).</param>
/// <param name="Size">The size the descriptor declares, when it does.</param>
/// <param name="Compression">ovf:compression (gzip) when the file is compressed as a whole.</param>
public sealed record OvfFileReference(string Id, string Href, long? Size, string? Compression, SourceLocation Location);
