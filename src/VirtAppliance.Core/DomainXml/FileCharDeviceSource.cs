namespace VirtAppliance.Core.DomainXml;

/// <summary>Output into a file only (<c>type='file'</c>); nothing can type into the guest.</summary>
public sealed record FileCharDeviceSource(string Path) : CharDeviceSource;
