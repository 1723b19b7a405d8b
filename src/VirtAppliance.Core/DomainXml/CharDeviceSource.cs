namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The host side of a serial port or console, a closed union like <see cref="DiskSource"/>: the
/// writer derives <c>type=</c> from the case.
/// </summary>
public abstract record CharDeviceSource
{
    private protected CharDeviceSource()
    {
    }
}
