using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// The OpenPGP public keys whose signatures this host accepts: one armored file per key,
/// named by fingerprint, in a folder (ROOT/trusted-keys in a store).
/// </summary>
public sealed class TrustStore
{
    public TrustStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>Adds every key of an armored public key block; returns what was added.</summary>
    public Task<IReadOnlyList<TrustedKey>> AddAsync(string armoredPublicKey, CancellationToken cancellationToken) =>
        AddAsync(armoredPublicKey, "public key", cancellationToken);

    /// <summary>Adds every key of an armored public key block read from <paramref name="source"/> (named in errors); returns what was added.</summary>
    public async Task<IReadOnlyList<TrustedKey>> AddAsync(string armoredPublicKey, string source, CancellationToken cancellationToken)
    {
        var bundle = OpenPgp.ReadPublicKeys(armoredPublicKey, source);
        System.IO.Directory.CreateDirectory(Directory);
        var added = new List<TrustedKey>();
        foreach (PgpPublicKeyRing ring in bundle.GetKeyRings())
        {
            var primary = ring.GetPublicKey();
            var key = new TrustedKey(OpenPgp.Fingerprint(primary), OpenPgp.FirstUserId(primary));
            using var armoredBuffer = new MemoryStream();
            using (var armored = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(armoredBuffer))
                ring.Encode(armored);
            var target = Path.Combine(Directory, key.Fingerprint + ".asc");
            var temporary = target + ".tmp";
            await File.WriteAllBytesAsync(temporary, armoredBuffer.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
            added.Add(key);
        }

        return added;
    }

    /// <summary>The trusted keys, sorted by user id.</summary>
    public async Task<IReadOnlyList<TrustedKey>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<TrustedKey>();
        foreach (var bundle in await LoadAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (PgpPublicKeyRing ring in bundle.GetKeyRings())
            {
                var primary = ring.GetPublicKey();
                keys.Add(new TrustedKey(OpenPgp.Fingerprint(primary), OpenPgp.FirstUserId(primary)));
            }
        }

        return [.. keys.OrderBy(k => k.UserId, StringComparer.Ordinal).ThenBy(k => k.Fingerprint, StringComparer.Ordinal)];
    }

    /// <summary>Removes the key with this fingerprint (or a unique suffix of it, like a key id).</summary>
    /// <exception cref="NotFoundException">No key matches.</exception>
    /// <exception cref="ConflictException">Several keys match.</exception>
    public async Task<TrustedKey> RemoveAsync(string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        var wanted = fingerprint.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var matches = (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(k => k.Fingerprint.EndsWith(wanted, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0)
            throw new NotFoundException($"no trusted key matches '{fingerprint}'") { Hint = "list the trusted keys to see their fingerprints" };
        if (matches.Count > 1)
            throw new ConflictException($"'{fingerprint}' matches {matches.Count} trusted keys") { Hint = "give the whole fingerprint" };
        File.Delete(Path.Combine(Directory, matches[0].Fingerprint + ".asc"));
        return matches[0];
    }

    /// <summary>Checks a signature over <paramref name="data"/> against the trusted keys.</summary>
    public async Task<SignatureCheck> CheckAsync(string? armoredSignature, byte[] data, CancellationToken cancellationToken) =>
        OpenPgp.Verify(armoredSignature, data, await LoadAsync(cancellationToken).ConfigureAwait(false));

    private async Task<List<PgpPublicKeyRingBundle>> LoadAsync(CancellationToken cancellationToken)
    {
        var bundles = new List<PgpPublicKeyRingBundle>();
        if (!System.IO.Directory.Exists(Directory))
            return bundles;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.asc").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            bundles.Add(OpenPgp.ReadPublicKeys(text, file));
        }

        return bundles;
    }
}
