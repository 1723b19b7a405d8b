namespace VirtAppliance.Core.Descriptors;

/// <summary>A configuration file rendered from site values into the per-VM config disk.</summary>
/// <param name="GuestPath">Absolute path of the file inside the guest.</param>
/// <param name="Source">The template file, relative to the descriptor.</param>
/// <param name="Mode">Octal file mode in the guest, e.g. <c>0644</c>.</param>
public sealed record ConfigTemplate(string GuestPath, string Source, string? Mode, SourceLocation Location);
