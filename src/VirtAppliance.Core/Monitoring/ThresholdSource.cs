namespace VirtAppliance.Core.Monitoring;

/// <summary>Who set a disk's levels.</summary>
public enum ThresholdSource
{
    Default,

    /// <summary>The appliance's descriptor (&lt;threshold&gt; in its &lt;disk&gt;).</summary>
    Appliance,

    /// <summary>The site, with 'config VM threshold DISK'.</summary>
    Site,
}
