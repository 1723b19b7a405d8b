namespace VirtAppliance.Core.Packaging;

/// <summary>What a delta package is made against: the base version's identity, its manifest, and a folder holding its files.</summary>
/// <param name="Base">The base version, as the delta's manifest names it.</param>
/// <param name="Manifest">The base's manifest (its files' paths, sizes and content digests).</param>
/// <param name="Directory">A folder with the base's files, already checked against <paramref name="Manifest"/>.</param>
public sealed record DeltaBase(PackageBase Base, Manifest Manifest, string Directory);
