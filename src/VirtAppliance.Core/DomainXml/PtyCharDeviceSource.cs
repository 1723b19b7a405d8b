namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// A pseudo terminal (<c>type='pty'</c>), so <c>virsh console</c> works, with everything the
/// guest writes also copied by virtlogd into <see cref="LogFile"/> when given.
/// </summary>
/// <param name="LogFile">Absolute path of the log file, or null.</param>
/// <param name="Append">Keep earlier boots' output; false starts the log afresh at each start.</param>
public sealed record PtyCharDeviceSource(string? LogFile, bool Append) : CharDeviceSource;
