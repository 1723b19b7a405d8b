namespace VirtAppliance.Core.Deployment;

/// <summary>How a verb that acts on one deployed VM reaches it and stops it.</summary>
/// <param name="Uri">The libvirt URI the user named (--connect); it must be the one the VM was deployed on. Null: the VM's own.</param>
/// <param name="Force">Power the VM off at once instead of asking the guest (--force).</param>
/// <param name="StopTimeout">How long the guest may take to power off before it is forced (--timeout); null for the default.</param>
public sealed record VmOptions(string? Uri = null, bool Force = false, TimeSpan? StopTimeout = null);
