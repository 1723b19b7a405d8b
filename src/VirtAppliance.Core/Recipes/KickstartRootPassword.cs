using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary><c>rootpw</c>: lock root's password, set a crypted one, or (warned about) a plaintext one.</summary>
/// <param name="Password">The password or its crypt(3) hash; null with <c>--lock</c> alone.</param>
/// <param name="IsCrypted"><c>--iscrypted</c>: <paramref name="Password"/> is a crypt(3) hash.</param>
/// <param name="Locked"><c>--lock</c>: root cannot log in with a password.</param>
/// <param name="Location">The <c>rootpw</c> line.</param>
public sealed record KickstartRootPassword(string? Password, bool IsCrypted, bool Locked, SourceLocation Location)
{
    public bool IsPlaintext => Password is not null && !IsCrypted;

    /// <summary>Never shows the password or its hash.</summary>
    public override string ToString() =>
        $"rootpw{(Locked ? " --lock" : "")}{(Password is null ? "" : IsCrypted ? " --iscrypted ***" : " --plaintext ***")} ({Location})";
}
