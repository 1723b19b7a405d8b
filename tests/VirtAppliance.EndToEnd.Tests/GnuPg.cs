namespace VirtAppliance.EndToEnd.Tests;

/// <summary>A throwaway GnuPG home with one signing key, driven through the real gpg.</summary>
internal sealed class GnuPg : IDisposable
{
    private readonly TemporaryFolder home = new();

    public GnuPg(string userId = "Supplier <supplier@example.org>")
    {
        UserId = userId;
        Run("--batch", "--passphrase", "", "--quick-gen-key", userId, "ed25519", "sign", "never");
        SecretKeyPath = Path.Combine(home.Path, "secret.asc");
        PublicKeyPath = Path.Combine(home.Path, "public.asc");
        File.WriteAllText(SecretKeyPath, Run("--armor", "--export-secret-keys", userId));
        File.WriteAllText(PublicKeyPath, Run("--armor", "--export", userId));
    }

    public string UserId { get; }

    public string SecretKeyPath { get; }

    public string PublicKeyPath { get; }

    /// <summary>Runs gpg with this home; returns stdout, throws with stderr on failure.</summary>
    public string Run(params string[] args) => Tools.Run("gpg", ["--homedir", home.Path, .. args]);

    public void Dispose() => home.Dispose();
}
