namespace VirtAppliance.Core.Deployment;

/// <summary>Called before each step and each undo with the operation and step name; tests throw from them to fail a step.</summary>
public sealed record PlanHooks(Action<string, string>? BeforeStep = null, Action<string, string>? BeforeUndo = null);
