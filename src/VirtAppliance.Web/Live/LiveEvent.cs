namespace VirtAppliance.Web.Live;

/// <summary>What the page's event stream (GET /events, event <c>vm</c>) says about a VM.</summary>
/// <param name="Kind">libvirt's lifecycle event: defined, undefined, started, stopped, suspended, resumed, shutdown, crashed …</param>
/// <param name="State">The state it is in now, in the words of <c>vms</c> (running, shut off …); null when the event does not change it.</param>
public sealed record LiveEvent(string Name, Guid Uuid, string Kind, string? State);
