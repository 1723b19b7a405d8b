namespace VirtAppliance.Core.Deployment;

/// <summary>What an undeploy kept in ROOT/kept/VM-TIME/ (nothing with --delete-data).</summary>
/// <param name="UserDisks">The VM's user disks: the customer's data.</param>
/// <param name="ConfigDisk">The config disk it ran: its site values, passwords included.</param>
public sealed record UndeployResult(string Vm, IReadOnlyList<string> UserDisks, string? ConfigDisk);
