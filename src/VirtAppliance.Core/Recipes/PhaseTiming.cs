namespace VirtAppliance.Core.Recipes;

public sealed record PhaseTiming(BuildPhase Phase, TimeSpan Duration);
