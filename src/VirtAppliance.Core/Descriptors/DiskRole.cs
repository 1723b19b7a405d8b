namespace VirtAppliance.Core.Descriptors;

public enum DiskRole
{
    /// <summary>The supplier's code: replaced on update, shared read-only by every VM.</summary>
    System,

    /// <summary>The customer's data: kept across updates (XML <c>user</c>, alias <c>data</c>).</summary>
    User,

    /// <summary>Temporary: recreated empty on deploy and update.</summary>
    Scratch,
}
