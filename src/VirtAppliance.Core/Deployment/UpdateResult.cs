namespace VirtAppliance.Core.Deployment;

/// <summary>What an update (or rollback) of one VM did.</summary>
/// <param name="Error">Why it failed (after an automatic rollback, when <paramref name="RolledBack"/>); null on success.</param>
public sealed record UpdateResult(string Name, string From, string To, bool Changed, bool RolledBack, string? Error);
