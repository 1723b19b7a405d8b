using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Packaging;

/// <summary>An OpenPGP secret key that signs package manifests.</summary>
public sealed class PackageSigner
{
    /// <summary>The environment variable every face reads a signing key's passphrase from.</summary>
    public const string PassphraseVariable = "VIRT_APPLIANCE_KEY_PASSPHRASE";

    private readonly PgpSecretKey secretKey;
    private readonly PgpPrivateKey privateKey;

    private PackageSigner(PgpSecretKey secretKey, PgpPrivateKey privateKey)
    {
        this.secretKey = secretKey;
        this.privateKey = privateKey;
    }

    /// <summary>The signing key's primary fingerprint (upper-case hex).</summary>
    public string Fingerprint { get; private init; } = "";

    /// <summary>The signing key's first user id.</summary>
    public string UserId { get; private init; } = "";

    /// <summary>
    /// Loads a signing key from an ASCII-armored secret key (`gpg --armor --export-secret-keys`).
    /// The first key able to sign is used (a signing subkey when there is one, as gpg does).
    /// </summary>
    public static PackageSigner FromArmoredSecretKey(string armored, string? passphrase, string source = "secret key")
    {
        ArgumentNullException.ThrowIfNull(armored);
        if (OpenPgp.PublicKeyFingerprint(armored) is { } fingerprint)
            throw new InvalidInputException($"{source} is a public key; signing needs the SECRET key")
            {
                Hint = $"export it with 'gpg --armor --export-secret-keys {fingerprint} > key.asc'",
            };
        PgpSecretKeyRingBundle bundle;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armored)));
            bundle = new PgpSecretKeyRingBundle(input);
        }
        catch (Exception e) when (OpenPgp.IsMalformedInput(e))
        {
            throw new InvalidInputException($"{source}: not an OpenPGP secret key ({e.Message})", e) { Hint = "export it with 'gpg --armor --export-secret-keys KEYID'" };
        }

        foreach (PgpSecretKeyRing ring in bundle.GetKeyRings())
        {
            var primary = ring.GetPublicKey();
            var candidates = ring.GetSecretKeys().Cast<PgpSecretKey>().Where(k => k.IsSigningKey && !k.IsPrivateKeyEmpty).ToList();
            // gpg prefers a signing subkey over the primary key.
            var key = candidates.FirstOrDefault(k => !k.IsMasterKey) ?? candidates.FirstOrDefault();
            if (key is null)
                continue;
            PgpPrivateKey privateKey;
            try
            {
                privateKey = key.ExtractPrivateKey((passphrase ?? "").ToCharArray());
            }
            catch (PgpException e)
            {
                throw string.IsNullOrEmpty(passphrase)
                    ? new InvalidInputException($"{source}: the key is protected by a passphrase and none was given", e)
                    {
                        Hint = $"set {PassphraseVariable} to the key's passphrase (read -rs {PassphraseVariable} && export {PassphraseVariable})",
                    }
                    : new InvalidInputException($"{source}: the passphrase given does not unlock the key", e)
                    {
                        Hint = $"check the passphrase in {PassphraseVariable}",
                    };
            }

            return new PackageSigner(key, privateKey) { Fingerprint = OpenPgp.Fingerprint(primary), UserId = OpenPgp.FirstUserId(primary) };
        }

        throw new InvalidInputException($"{source}: no key able to sign") { Hint = "use a key with signing capability" };
    }

    /// <summary>Returns a detached ASCII-armored signature over <paramref name="data"/>.</summary>
    public string Sign(byte[] data, TimeProvider timeProvider) =>
        OpenPgp.Sign(secretKey, privateKey, data, timeProvider.GetUtcNow().UtcDateTime);
}
