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
    public async Task<(Manifest Manifest, string Output)> PackAsync(
        string appliance, string? output, string? signingKeyPath, string? passphrase,
        IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
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
        var manifest = await PackageWriter.CreateAsync(descriptor.BaseDirectory!, PackageFiles.FromDescriptor(descriptor), target,
            new PackageWriterOptions { Signer = signer, TimeProvider = timeProvider },
            progress, cancellationToken).ConfigureAwait(false);
        return (manifest, target);
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
