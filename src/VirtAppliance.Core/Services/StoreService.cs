using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>The store actions (install, list, remove, verify installed, trust), one method each, shared by every face; gc is InstanceService's (it asks libvirt too).</summary>
public sealed class StoreService(ApplianceStore store)
{
    public string Root => store.Root;

    public Task<InstallResult> InstallAsync(string package, bool allowUnsigned, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        store.InstallAsync(PackageService.RequireFile(package, "package"), new InstallOptions { AllowUnsigned = allowUnsigned }, progress, cancellationToken);

    /// <summary>Every installed appliance version, sorted by name, version, release.</summary>
    public Task<IReadOnlyList<InstalledAppliance>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>Removes one installed version; refused while a VM runs it or keeps it as its rollback target.</summary>
    public Task<InstalledAppliance> RemoveAsync(string reference, CancellationToken cancellationToken) => store.RemoveAsync(reference, cancellationToken);

    /// <summary>Registers an appliance folder a package manager put into the store (an RPM's %post); its files are checked against its kept manifest.</summary>
    public Task<InstalledAppliance> AdoptAsync(string reference, CancellationToken cancellationToken) => store.AdoptAsync(reference, cancellationToken);

    /// <summary>Checks installed NAME[@VERSION[-RELEASE]] (every match) against the manifests they were installed from.</summary>
    /// <exception cref="NotFoundException">Nothing installed matches.</exception>
    /// <exception cref="IntegrityException">A file of one of them is missing or changed.</exception>
    public async Task<IReadOnlyList<InstalledCheck>> VerifyInstalledAsync(string reference, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        var found = await store.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
            throw new NotFoundException($"{reference}: no such package file, and nothing installed by that name in {store.Root}")
            {
                Hint = "give a .vapp file, or an installed NAME[@VERSION] from 'virt-appliance list'",
            };
        var checkedOnes = new List<InstalledCheck>();
        foreach (var appliance in found)
            checkedOnes.Add(new InstalledCheck(appliance, (await store.VerifyAsync(appliance, progress, cancellationToken).ConfigureAwait(false)).Files.Count));
        return checkedOnes;
    }

    /// <summary>Whether NAME[@VERSION] names something installed (verify takes a file or an installed appliance).</summary>
    public async Task<bool> IsInstalledAsync(string reference, CancellationToken cancellationToken) =>
        (await store.FindAsync(reference, cancellationToken).ConfigureAwait(false)).Count > 0;

    public async Task<IReadOnlyList<TrustedKey>> TrustAsync(string keyPath, CancellationToken cancellationToken) =>
        await store.TrustStore.AddAsync(await File.ReadAllTextAsync(PackageService.RequireFile(keyPath, "key"), cancellationToken).ConfigureAwait(false), keyPath, cancellationToken).ConfigureAwait(false);

    public Task<IReadOnlyList<TrustedKey>> ListTrustedAsync(CancellationToken cancellationToken) => store.TrustStore.ListAsync(cancellationToken);

    public Task<TrustedKey> UntrustAsync(string fingerprint, CancellationToken cancellationToken) => store.TrustStore.RemoveAsync(fingerprint, cancellationToken);
}
