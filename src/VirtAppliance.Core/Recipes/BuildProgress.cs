namespace VirtAppliance.Core.Recipes;

/// <summary>A build reached a phase, or says what it does within one.</summary>
public readonly record struct BuildProgress(BuildPhase Phase, string Message);
