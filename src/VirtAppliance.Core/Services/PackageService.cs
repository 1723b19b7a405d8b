using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>The package and store actions (pack, sign, verify, trust, install, list, remove, gc), one method per action, so that every face (today the CLI) calls the same code.</summary>
public sealed class PackageService(ApplianceStore store, TimeProvider timeProvider)
{
    public ApplianceStore Store { get; } = store;

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
        var signer = signingKeyPath is null ? null : await LoadSignerAsync(signingKeyPath, passphrase, cancellationToken).ConfigureAwait(false);
        var target = output ?? $"{descriptor.Name}-{descriptor.Version ?? "0"}-{descriptor.Release ?? "0"}{ApplianceLocator.PackageExtension}";
        var manifest = await PackageWriter.CreateAsync(descriptor.BaseDirectory!, PackageFiles.FromDescriptor(descriptor), target,
            new PackageWriterOptions { Signer = signer, TimeProvider = timeProvider },
            progress, cancellationToken).ConfigureAwait(false);
        return (manifest, target);
    }

    public async Task<PackageSigner> SignAsync(string package, string keyPath, string? passphrase, string? output, CancellationToken cancellationToken)
    {
        var signer = await LoadSignerAsync(keyPath, passphrase, cancellationToken).ConfigureAwait(false);
        await PackageWriter.SignAsync(RequireFile(package, "package"), signer, output, timeProvider, cancellationToken).ConfigureAwait(false);
        return signer;
    }

    /// <summary>Checks every digest and the signature against the store's trusted keys; throws when integrity fails.</summary>
    public Task<PackageVerification> VerifyAsync(string package, bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        PackageVerifier.VerifyAsync(RequireFile(package, "package"), Store.TrustStore, verifyContent, progress, cancellationToken);

    /// <summary>Checks installed NAME[@VERSION[-RELEASE]] (every match) against the manifests they were installed from.</summary>
    /// <exception cref="NotFoundException">Nothing installed matches.</exception>
    /// <exception cref="IntegrityException">A file of one of them is missing or changed.</exception>
    public async Task<IReadOnlyList<(InstalledAppliance Appliance, Manifest Manifest)>> VerifyInstalledAsync(
        string reference, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        var found = await Store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
            throw new NotFoundException($"{reference}: no such package file, and nothing installed by that name in {Store.Root}")
            {
                Hint = "give a .vapp file, or an installed NAME[@VERSION] from 'virt-appliance list'",
            };
        var checkedOnes = new List<(InstalledAppliance, Manifest)>();
        foreach (var appliance in found)
            checkedOnes.Add((appliance, await Store.VerifyAsync(appliance, progress, cancellationToken).ConfigureAwait(false)));
        return checkedOnes;
    }

    public async Task<IReadOnlyList<TrustedKey>> TrustAsync(string keyPath, CancellationToken cancellationToken) =>
        await Store.TrustStore.AddAsync(await File.ReadAllTextAsync(RequireFile(keyPath, "key"), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public Task<InstallResult> InstallAsync(string package, bool allowUnsigned, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        Store.InstallAsync(RequireFile(package, "package"), new InstallOptions { AllowUnsigned = allowUnsigned }, progress, cancellationToken);

    private static async Task<PackageSigner> LoadSignerAsync(string keyPath, string? passphrase, CancellationToken cancellationToken) =>
        PackageSigner.FromArmoredSecretKey(await File.ReadAllTextAsync(RequireFile(keyPath, "key"), cancellationToken).ConfigureAwait(false), passphrase, keyPath);

    private static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw new NotFoundException($"{path}: no such {what} file")
        {
            Hint = what == "key" ? "export one with 'gpg --armor --export-secret-keys ID > key.asc' (or --export for a public key)" : "check the path",
        };
}
