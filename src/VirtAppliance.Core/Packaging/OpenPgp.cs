using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Packaging;

/// <summary>The OpenPGP parts: detached ASCII-armored signatures that `gpg --verify` accepts.</summary>
internal static class OpenPgp
{
    /// <summary>BouncyCastle throws many types on malformed packets (some not PgpException); all mean "bad input".</summary>
    public static bool IsMalformedInput(Exception e) => e is not (OutOfMemoryException or OperationCanceledException or InvalidInputException);

    public static string Fingerprint(PgpPublicKey key) => Convert.ToHexString(key.GetFingerprint());

    public static string KeyId(long keyId) => keyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    public static string FirstUserId(PgpPublicKey key) => key.GetUserIds().OfType<string>().FirstOrDefault() ?? "";

    public static PgpPublicKeyRingBundle ReadPublicKeys(string armored, string source)
    {
        if (SecretKeyFingerprint(armored) is { } secret)
            throw new InvalidInputException($"{source} is a secret key; give the supplier's PUBLIC key")
            {
                Hint = $"export the public key with 'gpg --armor --export {secret}' (and keep the secret key to yourself)",
            };
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armored)));
            var bundle = new PgpPublicKeyRingBundle(input);
            if (bundle.Count == 0)
                throw new InvalidInputException($"{source}: no OpenPGP public key found") { Hint = "export the key with 'gpg --armor --export KEYID'" };
            return bundle;
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            throw new InvalidInputException($"{source}: not an OpenPGP public key ({e.Message})", e) { Hint = "export the key with 'gpg --armor --export KEYID'" };
        }
    }

    /// <summary>The primary fingerprint when <paramref name="armored"/> holds a secret key, else null.</summary>
    public static string? SecretKeyFingerprint(string armored) =>
        TryRead(armored, input => new PgpSecretKeyRingBundle(input)) is { Count: > 0 } bundle
            ? Fingerprint(bundle.GetKeyRings().Cast<PgpSecretKeyRing>().First().GetPublicKey())
            : null;

    /// <summary>The primary fingerprint when <paramref name="armored"/> holds only public keys, else null.</summary>
    public static string? PublicKeyFingerprint(string armored) =>
        TryRead(armored, input => new PgpPublicKeyRingBundle(input)) is { Count: > 0 } bundle
            ? Fingerprint(bundle.GetKeyRings().Cast<PgpPublicKeyRing>().First().GetPublicKey())
            : null;

    private static T? TryRead<T>(string armored, Func<Stream, T> read)
        where T : class
    {
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armored)));
            return read(input);
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            return null;
        }
    }

    /// <summary>Signs <paramref name="data"/> with a detached, ASCII-armored binary-document signature.</summary>
    public static string Sign(PgpSecretKey secretKey, PgpPrivateKey privateKey, byte[] data, DateTime creationTime)
    {
        var generator = new PgpSignatureGenerator(secretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, privateKey);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetSignatureCreationTime(false, creationTime);
        subpackets.SetIssuerFingerprint(false, secretKey.PublicKey);
        generator.SetHashedSubpackets(subpackets.Generate());
        generator.Update(data);

        using var buffer = new MemoryStream();
        using (var armored = new ArmoredOutputStream(buffer))
        {
            using var bcpg = new BcpgOutputStream(armored);
            generator.Generate().Encode(bcpg);
        }

        return Encoding.ASCII.GetString(buffer.ToArray());
    }

    /// <summary>Checks a detached signature over <paramref name="data"/> against the trusted keys.</summary>
    public static SignatureCheck Verify(string? armoredSignature, byte[] data, IEnumerable<PgpPublicKeyRingBundle> trusted)
    {
        if (armoredSignature is null)
            return new SignatureCheck(SignatureStatus.Unsigned);

        PgpSignature signature;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.UTF8.GetBytes(armoredSignature)));
            var factory = new PgpObjectFactory(input);
            var next = factory.NextPgpObject();
            if (next is PgpCompressedData compressed)
                next = new PgpObjectFactory(compressed.GetDataStream()).NextPgpObject();
            if (next is not PgpSignatureList { Count: 1 } list)
                return new SignatureCheck(SignatureStatus.BadSignature);
            signature = list[0];
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            return new SignatureCheck(SignatureStatus.BadSignature);
        }

        var keyId = KeyId(signature.KeyId);
        foreach (var bundle in trusted)
        {
            var key = bundle.GetPublicKey(signature.KeyId);
            if (key is null)
                continue;
            var ring = bundle.GetPublicKeyRing(signature.KeyId);
            var primary = ring.GetPublicKey();
            try
            {
                signature.InitVerify(key);
                signature.Update(data);
                var valid = signature.Verify() && signature.SignatureType == PgpSignature.BinaryDocument;
                return valid
                    ? new SignatureCheck(SignatureStatus.Trusted, keyId, Fingerprint(primary), FirstUserId(primary))
                    : new SignatureCheck(SignatureStatus.BadSignature, keyId, Fingerprint(primary), FirstUserId(primary));
            }
            catch (Exception e) when (IsMalformedInput(e))
            {
                return new SignatureCheck(SignatureStatus.BadSignature, keyId, Fingerprint(primary), FirstUserId(primary));
            }
        }

        return new SignatureCheck(SignatureStatus.UntrustedKey, keyId);
    }
}
