namespace VirtAppliance.Core.Capabilities;

/// <summary>The <c>&lt;os&gt;</c> of domain capabilities: firmware kinds libvirt can pick by itself.</summary>
/// <param name="Supported">The emulator supports choosing an OS boot at all.</param>
/// <param name="Firmware">Values of <c>enum name='firmware'</c> (efi, bios).</param>
/// <param name="Loader">Loader support, when given.</param>
public sealed record DomainCapabilitiesOs(bool Supported, IReadOnlyList<string> Firmware, DomainCapabilitiesLoader? Loader);
