namespace VirtAppliance.Core.Deployment;

/// <summary>How a verb that acts on one deployed VM reaches it and stops it (and for update, whether it may go back).</summary>
/// <param name="Uri">The libvirt URI the user named (--connect); it must be the one the VM was deployed on. Null: the VM's own.</param>
/// <param name="Force">Power the VM off at once instead of asking the guest (--force).</param>
/// <param name="StopTimeout">How long the guest may take to power off before it is forced (--timeout); null for the default.</param>
/// <param name="AllowDowngrade">update may move the VM to an older version than it runs (--allow-downgrade).</param>
public sealed record VmOptions(string? Uri = null, bool Force = false, TimeSpan? StopTimeout = null, bool AllowDowngrade = false);
