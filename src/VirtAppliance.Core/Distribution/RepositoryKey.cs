using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// A repository signing key: an OpenPGP secret key (the same kind that signs packages), its
/// primary fingerprint (the key id the metadata names) and its armored public key (what root.json carries).
/// </summary>
public sealed class RepositoryKey
{
    private readonly PackageSigner signer;

    private RepositoryKey(PackageSigner signer, string publicKey)
    {
        this.signer = signer;
        PublicKey = publicKey;
    }

    /// <summary>The primary key's fingerprint, upper-case hex: the key id in the metadata.</summary>
    public string Fingerprint => signer.Fingerprint;

    /// <summary>The primary key's first user id.</summary>
    public string UserId => signer.UserId;

    /// <summary>The ASCII-armored public key ring, as root.json lists it.</summary>
    public string PublicKey { get; }

    /// <summary>Loads an armored secret key file; the passphrase comes from <see cref="PackageSigner.PassphraseVariable"/>.</summary>
    public static async Task<RepositoryKey> LoadAsync(string path, string? passphrase, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new NotFoundException($"{path}: no such key file") { Hint = "export one with 'gpg --armor --export-secret-keys ID > key.asc'" };
        var armored = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var signer = PackageSigner.FromArmoredSecretKey(armored, passphrase, path);
        return new RepositoryKey(signer, PublicRingOf(armored, signer.Fingerprint));
    }

    /// <summary>A detached armored signature over <paramref name="data"/>.</summary>
    public string Sign(byte[] data, TimeProvider timeProvider) => signer.Sign(data, timeProvider);

    private static string PublicRingOf(string armoredSecret, string fingerprint)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armoredSecret)));
        var bundle = new PgpSecretKeyRingBundle(input);
        foreach (PgpSecretKeyRing ring in bundle.GetKeyRings())
        {
            if (OpenPgp.Fingerprint(ring.GetPublicKey()) != fingerprint)
                continue;
            using var raw = new MemoryStream();
            foreach (var key in ring.GetPublicKeys())
                key.Encode(raw);
            var publicRing = new PgpPublicKeyRing(raw.ToArray());
            using var buffer = new MemoryStream();
            using (var armored = new ArmoredOutputStream(buffer))
                publicRing.Encode(armored);
            return Encoding.ASCII.GetString(buffer.ToArray());
        }

        throw new InvalidInputException($"the secret key {fingerprint} has no public part") { Hint = "export the key again with 'gpg --armor --export-secret-keys'" };
    }
}
