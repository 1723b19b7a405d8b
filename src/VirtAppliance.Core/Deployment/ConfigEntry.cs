namespace VirtAppliance.Core.Deployment;

/// <summary>One site parameter of a VM: what it runs with, what is set but not applied, and the appliance's default. Passwords are masked.</summary>
/// <param name="Type">The declared type (string, int, password …).</param>
/// <param name="Running">The value the VM runs with; null when it has none.</param>
/// <param name="Pending">The value set with 'config set' and not applied yet; null when nothing is pending (or it has none then).</param>
/// <param name="Default">The appliance's default; null when it has none.</param>
/// <param name="RunningIsDefault">True when the VM runs with the default because nobody set it.</param>
/// <param name="PendingChanged">True when the pending value differs from the running one (also for passwords, whose values are masked).</param>
public sealed record ConfigEntry(string Name, string Type, string? Running, string? Pending, string? Default, bool RunningIsDefault, bool Secret, bool PendingChanged);
