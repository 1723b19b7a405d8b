namespace VirtAppliance.Core.Descriptors;

/// <summary>A CPU/platform feature the boot needs on (<c>state="on"</c>, the default) or off.</summary>
public sealed record FeatureRequirement(string Name, bool Enabled, SourceLocation Location);
