using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>A throw-away GNUPGHOME with real gpg keys: an RSA and an Ed25519 supplier key, and a stranger's key.</summary>
public sealed class GpgKeys : IDisposable
{
    private readonly TestFolder folder = new();

    public GpgKeys()
    {
        Home = folder["gnupg"];
        Directory.CreateDirectory(Home);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Rsa = Generate("Rsa Supplier <rsa@example.org>", "rsa3072");
        Ed25519 = Generate("Ed Supplier <ed@example.org>", "ed25519");
        Stranger = Generate("Stranger <stranger@example.org>", "ed25519");
    }

    public string Home { get; }

    public Key Rsa { get; }

    public Key Ed25519 { get; }

    public Key Stranger { get; }

    public Key this[string name] => name switch { "rsa3072" => Rsa, "ed25519" => Ed25519, _ => throw new ArgumentOutOfRangeException(nameof(name)) };

    public string Gpg(params string[] arguments) =>
        Tools.Run("gpg", new Dictionary<string, string> { ["GNUPGHOME"] = Home }, ["--batch", "--no-tty", .. arguments]);

    public ExternalToolResult TryGpg(params string[] arguments) =>
        Tools.TryRun("gpg", new Dictionary<string, string> { ["GNUPGHOME"] = Home }, ["--batch", "--no-tty", .. arguments]);

    private Key Generate(string userId, string algorithm)
    {
        Gpg("--passphrase", "", "--quick-gen-key", userId, algorithm, "sign", "never");
        var colons = Gpg("--with-colons", "--fingerprint", userId);
        var fingerprint = colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var publicKey = Gpg("--armor", "--export", fingerprint);
        var secretKey = Gpg("--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys", fingerprint);
        return new Key(userId, fingerprint, publicKey, secretKey);
    }

    public void Dispose()
    {
        Tools.TryRun("gpgconf", new Dictionary<string, string> { ["GNUPGHOME"] = Home }, "--kill", "all");
        folder.Dispose();
    }

    public sealed record Key(string UserId, string Fingerprint, string PublicKey, string SecretKey);
}
