namespace VirtAppliance.Core.Services;

/// <summary>The OVA export wrote: where, and its entries in order (the .ovf first).</summary>
public sealed record OvaExportResult(string Path, IReadOnlyList<string> Entries, long Bytes);
