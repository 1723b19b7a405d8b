namespace VirtAppliance.Core.Monitoring;

/// <summary>Whether file-system usage came from the guest.</summary>
public enum GuestAgentState
{
    /// <summary>The appliance does not ask for a guest agent (no &lt;guest-agent/&gt;), or its domain has no agent channel.</summary>
    NotConfigured,

    /// <summary>The channel is there but no agent answered (not installed or not started in the guest, or the VM is off).</summary>
    NotAnswering,

    /// <summary>The agent reported the guest's file systems.</summary>
    Answering,
}
