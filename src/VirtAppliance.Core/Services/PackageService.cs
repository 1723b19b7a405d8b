using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>The package actions (pack, sign, verify a package file), one method each, shared by every face.</summary>
public sealed class PackageService(ApplianceStore store, TimeProvider timeProvider)
{
    /// <summary>Packs an appliance folder (or descriptor) into a .vapp; returns the manifest and where it went.</summary>
    /// <param name="appliance">The appliance folder or its descriptor.</param>
    /// <param name="output">The package to write (default NAME-VERSION-RELEASE.vapp here).</param>
    /// <param name="signingKeyPath">An armored OpenPGP secret key to sign with, or null.</param>
    /// <param name="passphrase">The key's passphrase, or null.</param>
    /// <param name="deltaFrom">Make a delta package against this base: an older full .vapp, or an installed NAME@VERSION; null for a full package.</param>
    /// <param name="compression">How hard to compress (the format is the same either way).</param>
    /// <param name="progress">Receives the file at work and its bytes done.</param>
    /// <param name="cancellationToken">Stops the work; nothing is written.</param>
    public Task<(Manifest Manifest, string Output)> PackAsync(
        string appliance, string? output, string? signingKeyPath, string? passphrase, string? deltaFrom, PackageCompression compression,
        IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        PackAsync(appliance, output, signingKeyPath, passphrase, deltaFrom, compression, null, progress, cancellationToken);

    /// <summary>Packs an appliance folder, in the given full-package format version.</summary>
    /// <param name="formatVersion">
    /// <see cref="PackageLayout.FormatVersion"/> (16 MiB records, which every virt-appliance reads),
    /// <see cref="PackageLayout.LargeRecordFormatVersion"/> (64 MiB records, smaller), or null for the latter.
    /// A delta package is always <see cref="PackageLayout.DeltaFormatVersion"/>.
    /// </param>
    /// <exception cref="InvalidInputException">A format version given with <paramref name="deltaFrom"/>.</exception>
    public async Task<(Manifest Manifest, string Output)> PackAsync(
        string appliance, string? output, string? signingKeyPath, string? passphrase, string? deltaFrom, PackageCompression compression, int? formatVersion,
        IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        var chunkLength = formatVersion switch
        {
            null or PackageLayout.LargeRecordFormatVersion => PackageLayout.DefaultChunkLength,
            PackageLayout.FormatVersion => PackageLayout.MaxRecordLength,
            _ => throw new ArgumentOutOfRangeException(nameof(formatVersion), formatVersion, $"pack writes full packages of format {PackageLayout.FormatVersion} or {PackageLayout.LargeRecordFormatVersion}"),
        };
        if (formatVersion is not null && deltaFrom is not null)
            throw new InvalidInputException($"a delta package is format {PackageLayout.DeltaFormatVersion}: it takes no other format version") { Hint = "leave out the format version, or --delta-from" };
        var loaded = ApplianceLocator.Load(appliance, ValidationPurpose.Use);
        if (loaded.Kind is ApplianceSourceKind.Package or ApplianceSourceKind.Installed)
            throw new InvalidInputException($"{appliance}: pack takes an appliance folder or its descriptor")
            {
                Hint = "point it at the folder that holds appliance.xml and the disk images",
            };
        var descriptor = loaded.Require();
        if (ConfigTemplates.Check(descriptor) is { Count: > 0 } templateProblems)
            throw new DescriptorInvalidException(loaded.Path, templateProblems);
        var signer = signingKeyPath is null ? null : await LoadSignerAsync(signingKeyPath, passphrase, cancellationToken).ConfigureAwait(false);
        var target = output ?? $"{descriptor.Name}-{descriptor.Version ?? "0"}-{descriptor.Release ?? "0"}{ApplianceLocator.PackageExtension}";
        string? extractedBase = null;
        try
        {
            DeltaBase? deltaBase = null;
            if (deltaFrom is not null)
                (deltaBase, extractedBase) = await LoadDeltaBaseAsync(deltaFrom, target, cancellationToken).ConfigureAwait(false);
            var manifest = await PackageWriter.CreateAsync(descriptor.BaseDirectory!, PackageFiles.FromDescriptor(descriptor), target,
                new PackageWriterOptions { Signer = signer, TimeProvider = timeProvider, DeltaFrom = deltaBase, CompressionLevel = PackageWriterOptions.LevelOf(compression),
                    DeltaCompressionLevel = PackageWriterOptions.DeltaLevelOf(compression), ChunkLength = chunkLength },
                progress, cancellationToken).ConfigureAwait(false);
            return (manifest, target);
        }
        finally
        {
            if (extractedBase is not null && Directory.Exists(extractedBase))
                Directory.Delete(extractedBase, recursive: true);
        }
    }

    /// <summary>
    /// The base of a delta: a full package file (verified while it is unpacked into a temporary folder next to
    /// the output, returned second so that the caller deletes it) or an installed NAME@VERSION (verified in place).
    /// </summary>
    private async Task<(DeltaBase Base, string? Extracted)> LoadDeltaBaseAsync(string deltaFrom, string target, CancellationToken cancellationToken)
    {
        if (File.Exists(deltaFrom))
        {
            var stream = new FileStream(deltaFrom, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                var reader = new PackageReader(stream, leaveOpen: true, deltaFrom);
                await using (reader.ConfigureAwait(false))
                {
                    var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                    if (header.Manifest.Base is not null)
                        throw new InvalidInputException($"{deltaFrom}: a delta package; a delta is made from a full package")
                        {
                            Hint = $"give the full package of {header.Manifest.Base.Id}'s successor, or its installed NAME@VERSION",
                        };
                    var id = Store.ApplianceIdentity.FromDescriptor(header.Descriptor, deltaFrom);
                    var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.base-{Guid.NewGuid():N}");
                    try
                    {
                        await reader.ExtractAsync(folder, verifyContent: false, progress: null, cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        if (Directory.Exists(folder))
                            Directory.Delete(folder, recursive: true);
                        throw;
                    }

                    return (new DeltaBase(new PackageBase(id.Name, id.Version, id.Release, header.Manifest.Sha256), header.Manifest, folder), folder);
                }
            }
        }

        if (deltaFrom.EndsWith(ApplianceLocator.PackageExtension, StringComparison.Ordinal) || deltaFrom.Contains('/', StringComparison.Ordinal))
            throw new NotFoundException($"{deltaFrom}: no such package file") { Hint = "give the older full .vapp, or an installed NAME@VERSION" };
        var found = await store.FindAsync(deltaFrom, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
            throw new NotFoundException($"{deltaFrom}: no such package file, and nothing installed by that name in {store.Root}")
            {
                Hint = "give the older full .vapp, or an installed NAME@VERSION from 'virt-appliance list'",
            };
        if (found.Count > 1)
            throw new ConflictException($"--delta-from {deltaFrom} matches {string.Join(", ", found.Select(a => a.Id))}") { Hint = "say which one: NAME@VERSION-RELEASE" };
        var installed = found[0];
        var manifest = await store.VerifyAsync(installed, progress: null, cancellationToken).ConfigureAwait(false);
        return (new DeltaBase(new PackageBase(installed.Name, installed.Version, installed.Release, installed.PackageSha256), manifest, installed.Path), null);
    }

    /// <summary>Signs a package's manifest; returns who signed it.</summary>
    public async Task<SigningKey> SignAsync(string package, string keyPath, string? passphrase, string? output, CancellationToken cancellationToken)
    {
        var signer = await LoadSignerAsync(keyPath, passphrase, cancellationToken).ConfigureAwait(false);
        await PackageWriter.SignAsync(RequireFile(package, "package"), signer, output, timeProvider, cancellationToken).ConfigureAwait(false);
        return new SigningKey(signer.Fingerprint, signer.UserId);
    }

    /// <summary>Checks every digest and the signature against the store's trusted keys; throws when integrity fails.</summary>
    public Task<PackageVerification> VerifyAsync(string package, bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        PackageVerifier.VerifyAsync(RequireFile(package, "package"), store.TrustStore, verifyContent, progress, cancellationToken);

    internal static async Task<PackageSigner> LoadSignerAsync(string keyPath, string? passphrase, CancellationToken cancellationToken) =>
        PackageSigner.FromArmoredSecretKey(await File.ReadAllTextAsync(RequireFile(keyPath, "key"), cancellationToken).ConfigureAwait(false), passphrase, keyPath);

    internal static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw new NotFoundException($"{path}: no such {what} file")
        {
            Hint = what == "key" ? "export one with 'gpg --armor --export-secret-keys ID > key.asc' (or --export for a public key)" : "check the path",
        };
}
