namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// For an appliance with a read-only root: which paths stay writable. Persistent paths go to
/// <c>/etc/statetab</c> (kept on the user disk), temporary ones to <c>/etc/rwtab</c>.
/// </summary>
public sealed record StatelessLayout(IReadOnlyList<string> Persistent, IReadOnlyList<TemporaryPath> Temporary, SourceLocation Location);
