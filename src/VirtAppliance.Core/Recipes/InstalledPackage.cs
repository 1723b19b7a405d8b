namespace VirtAppliance.Core.Recipes;

/// <summary>A package in a built image with its exact version: the build's provenance.</summary>
public sealed record InstalledPackage(string Name, string Version);
