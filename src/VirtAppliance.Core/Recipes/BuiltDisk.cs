namespace VirtAppliance.Core.Recipes;

/// <summary>A disk image a build wrote.</summary>
public sealed record BuiltDisk(string Id, string File, string Role, long SizeBytes, long AllocatedBytes, string Sha256);
