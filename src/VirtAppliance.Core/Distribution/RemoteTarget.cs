namespace VirtAppliance.Core.Distribution;

/// <summary>A package one remote offers.</summary>
public sealed record RemoteTarget(string Remote, TargetEntry Target);
