using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Interchange;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>import (OVA/OVF) and export (OVA, RPM): the formats other tools use, one method each, shared by every face.</summary>
/// <param name="installed">Looks up an installed NAME[@VERSION] and returns its folder, or null.</param>
public sealed class InterchangeService(Func<string, string?> installed)
{
    /// <summary>Imports an .ova or .ovf into an appliance folder (disks as qcow2): the manifest checked, the descriptor mapped, what is dropped listed.</summary>
    /// <exception cref="IntegrityException">A manifest digest or a declared size does not hold, or a referenced file is missing (exit 5).</exception>
    /// <exception cref="DescriptorInvalidException">The OVF descriptor is malformed or lacks what an import needs (exit 3, file:line:column).</exception>
    public async Task<ImportResult> ImportAsync(string file, string? directory, string? name, bool force, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        PackageService.RequireFile(file, "OVA or OVF");
        var isOva = !file.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase);
        var target = Path.GetFullPath(directory ?? Path.GetFileNameWithoutExtension(file));
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var work = Path.Combine(parent, $".{Path.GetFileName(target)}.import-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(work);
        try
        {
            string folder, ovf, source;
            var notes = new List<string>();
            if (isOva)
            {
                folder = Path.Combine(work, "package");
                Directory.CreateDirectory(folder);
                progress?.Report($"unpacking {file}");
                var entries = await OvaArchive.ExtractAsync(file, folder, cancellationToken).ConfigureAwait(false);
                var descriptors = entries.Where(e => e.EndsWith(".ovf", StringComparison.OrdinalIgnoreCase)).ToList();
                if (descriptors.Count != 1)
                    throw new InvalidInputException($"{file}: the OVA holds {descriptors.Count} .ovf descriptors; it must hold one") { Hint = "is it an OVA? its first entry is NAME.ovf" };
                if (entries[0] != descriptors[0])
                    notes.Add($"{descriptors[0]} is not the first entry of the OVA (DSP0243 puts it first; some tools refuse such a package)");
                ovf = Path.Combine(folder, descriptors[0]);
                source = $"{file}!{descriptors[0]}";
            }
            else
            {
                folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
                ovf = Path.GetFullPath(file);
                source = file;
            }

            var envelope = OvfReader.ReadFile(ovf);
            envelope = envelope with { Notes = [.. envelope.Notes.Select(n => n.Replace(ovf, source, StringComparison.Ordinal))] };
            var stem = Path.Combine(Path.GetDirectoryName(ovf)!, Path.GetFileNameWithoutExtension(ovf));
            string? algorithms = null;
            if (File.Exists(stem + ".mf"))
            {
                progress?.Report($"checking {Path.GetFileName(stem)}.mf");
                var manifest = OvfManifest.Parse(await File.ReadAllTextAsync(stem + ".mf", cancellationToken).ConfigureAwait(false), Path.GetFileName(stem) + ".mf");
                var expected = envelope.Files.Select(f => f.Href).Prepend(Path.GetFileName(ovf)).ToList();
                var uncovered = await manifest.CheckAsync(Path.GetDirectoryName(ovf)!, $"{file}: {Path.GetFileName(stem)}.mf", expected, cancellationToken).ConfigureAwait(false);
                if (uncovered.Count > 0)
                    notes.Add($"the manifest does not cover {string.Join(", ", uncovered)}: their integrity is not checked");
                algorithms = string.Join(", ", manifest.Entries.Values.Select(e => e.Algorithm).Distinct());
            }
            else
            {
                notes.Add("the package has no manifest (.mf): its files' integrity is not checked");
            }
            string? certificate = File.Exists(stem + ".cert") ? Path.GetFileName(stem) + ".cert" : null;
            if (certificate is not null)
                notes.Add($"{certificate}: the package carries an X.509 signature, which was not checked (virt-appliance trusts OpenPGP keys only); the imported appliance is unsigned until you sign its package");

            var draft = await OvfImporter.DraftAsync(envelope, Path.GetDirectoryName(ovf)!, work, source, name, cancellationToken).ConfigureAwait(false);
            draft = draft with { NotCarried = [.. notes, .. draft.NotCarried] };
            var result = await ApplianceFolderWriter.WriteAsync(draft, target, DiskFormat.Qcow2, force, progress, cancellationToken).ConfigureAwait(false);
            return new ImportResult(result, envelope.Version, algorithms, certificate);
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>Exports an appliance (folder, descriptor, .vapp or installed NAME[@VERSION]) as an OVF 1.0 OVA with streamOptimized VMDKs and a SHA-256 manifest.</summary>
    public async Task<OvaExportResult> ExportOvaAsync(string appliance, string output, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        var target = Path.GetFullPath(output);
        var work = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.export-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(work);
        try
        {
            var descriptor = await ResolveAsync(appliance, work, cancellationToken).ConfigureAwait(false);
            var name = descriptor.Name ?? "appliance";
            var disks = new List<OvfExportDisk>();
            var entries = new List<(string Name, string Path)>();
            foreach (var disk in descriptor.Disks)
            {
                if (disk.File is null)
                {
                    disks.Add(new OvfExportDisk(disk.Id, null, 0, (disk.SizeMiB ?? 1) * 1024 * 1024));
                    continue;
                }
                var href = disk.Id + ".vmdk";
                var vmdk = Path.Combine(work, href);
                progress?.Report($"converting {disk.File} → {href} (streamOptimized VMDK)");
                await Interchange.Vmdk.ConvertAsync(descriptor.ResolvePath(disk.File), disk.Format.ToText(), vmdk, cancellationToken).ConfigureAwait(false);
                var info = await QemuImg.InfoAsync(descriptor.ResolvePath(disk.File), cancellationToken).ConfigureAwait(false);
                disks.Add(new OvfExportDisk(disk.Id, href, new FileInfo(vmdk).Length, info.VirtualSize));
                entries.Add((href, vmdk));
            }
            var extras = descriptor.ReferencedFiles().Where(f => f.Kind != ReferencedFileKind.Disk)
                .Select(f => (Href: f.Path, Path: descriptor.ResolvePath(f.Path))).ToList();
            entries.AddRange(extras);
            var ovfName = name + ".ovf";
            var ovfPath = Path.Combine(work, ovfName);
            await File.WriteAllTextAsync(ovfPath, OvfWriter.Write(descriptor, disks, [.. extras.Select(e => (e.Href, new FileInfo(e.Path).Length))]), cancellationToken).ConfigureAwait(false);
            entries.Insert(0, (ovfName, ovfPath));
            progress?.Report("computing SHA-256 digests");
            var digests = new List<(string, string)>();
            foreach (var (entry, path) in entries)
                digests.Add((entry, await OvfManifest.DigestAsync(path, "SHA256", cancellationToken).ConfigureAwait(false)));
            var mfName = name + ".mf";
            var mfPath = Path.Combine(work, mfName);
            await File.WriteAllTextAsync(mfPath, OvfManifest.Write(digests), cancellationToken).ConfigureAwait(false);
            entries.Insert(1, (mfName, mfPath));
            progress?.Report($"writing {target}");
            await OvaArchive.WriteAsync(entries, target, cancellationToken).ConfigureAwait(false);
            return new OvaExportResult(target, [.. entries.Select(e => e.Name)], new FileInfo(target).Length);
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>
    /// Builds a signed RPM of a package whose payload is the appliance as the store keeps it
    /// (ROOT/appliances/NAME/VERSION-RELEASE/ with its kept manifest), and makes the output folder a yum/dnf repository.
    /// </summary>
    public async Task<RpmExportResult> ExportRpmAsync(string package, string? outputFolder, string? signingKeyPath, string? passphrase, string storeRoot,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        PackageService.RequireFile(package, "package");
        var output = Path.GetFullPath(outputFolder ?? ".");
        Directory.CreateDirectory(output);
        var key = signingKeyPath is null ? null : await File.ReadAllTextAsync(PackageService.RequireFile(signingKeyPath, "key"), cancellationToken).ConfigureAwait(false);
        var work = Path.Combine(output, $".export-rpm-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(work);
        try
        {
            progress?.Report($"verifying and unpacking {package}");
            var content = Path.Combine(work, "content");
            PackageHeader header;
            var reader = new PackageReader(File.OpenRead(package), leaveOpen: false, package);
            await using (reader.ConfigureAwait(false))
            {
                header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ExtractAsync(content, verifyContent: true, null, cancellationToken).ConfigureAwait(false);
            }
            await File.WriteAllBytesAsync(Path.Combine(content, ApplianceStore.KeptManifestName), header.Manifest.Bytes, cancellationToken).ConfigureAwait(false);
            var id = ApplianceIdentity.FromDescriptor(header.Descriptor, package);
            var descriptor = DescriptorReader.Read(new MemoryStream(header.Descriptor), package, null).Descriptor;
            var installPath = $"{storeRoot.TrimEnd('/')}/appliances/{id.Name}/{id.VersionRelease}";
            var request = new RpmRequest(id.Name, id.Version, id.Release, descriptor?.Label ?? $"virtual appliance {id.Name}", descriptor?.Description,
                content, installPath, storeRoot, id.ToString());
            progress?.Report("building the RPM (rpmbuild)");
            var rpm = await RpmBuilder.BuildAsync(request, work, output, cancellationToken).ConfigureAwait(false);
            string? fingerprint = null;
            if (key is not null)
            {
                progress?.Report("signing (rpmsign)");
                fingerprint = await RpmBuilder.SignAsync(rpm, key, passphrase, signingKeyPath!, cancellationToken).ConfigureAwait(false);
            }
            progress?.Report($"indexing {output} (createrepo_c)");
            await RpmBuilder.CreateRepositoryAsync(output, cancellationToken).ConfigureAwait(false);
            return new RpmExportResult(rpm, output, installPath, fingerprint, new FileInfo(rpm).Length);
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>The descriptor of APPLIANCE with a folder to read its files from (a package is verified and unpacked into <paramref name="work"/>).</summary>
    private async Task<ApplianceDescriptor> ResolveAsync(string appliance, string work, CancellationToken cancellationToken)
    {
        var loaded = ApplianceLocator.Load(appliance, ValidationPurpose.Use, installed);
        if (loaded.Kind != ApplianceSourceKind.Package)
            return loaded.Require();
        loaded.Require();
        var folder = Path.Combine(work, "appliance");
        var reader = new PackageReader(File.OpenRead(appliance), leaveOpen: false, appliance);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ExtractAsync(folder, verifyContent: true, null, cancellationToken).ConfigureAwait(false);
        }
        return ApplianceLocator.Load(folder, ValidationPurpose.Use).Require();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A hidden leftover work folder says what it is; the result or the first error matters more.
        }
    }
}
