namespace VirtAppliance.Core.Configuration;

/// <summary>What a site's Puppet module does to the appliance: both are applied the same way, the kind says what the site meant.</summary>
public enum SiteModuleKind
{
    /// <summary>Tangential configuration the appliance does not know of (send syslog to a central server): extra classes on the VM's node.</summary>
    Addition,

    /// <summary>Changes the appliance's own configuration (the site's TLS certificate for its web server), typically a class that inherits one of the appliance's.</summary>
    Override,
}
