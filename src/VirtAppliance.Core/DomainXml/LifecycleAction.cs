namespace VirtAppliance.Core.DomainXml;

/// <summary>What libvirt does when the guest powers off, reboots or crashes (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum LifecycleAction
{
    Destroy,
    Restart,
    Preserve,
    RenameRestart,
}
