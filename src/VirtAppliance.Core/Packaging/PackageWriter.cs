using System.Formats.Tar;
using System.Security.Cryptography;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Packaging;

/// <summary>Writes .vapp packages (see docs/package-format.md).</summary>
public static class PackageWriter
{
    /// <summary>
    /// Packs the appliance in <paramref name="sourceDirectory"/>: its appliance.xml and the listed
    /// files. Disks are stored sparse and compressed; the package appears at
    /// <paramref name="outputPath"/> only when complete.
    /// </summary>
    /// <returns>The manifest written into the package.</returns>
    /// <exception cref="InvalidInputException">A file is missing, unsafe or not what it claims to be.</exception>
    public static async Task<Manifest> CreateAsync(
        string sourceDirectory,
        IReadOnlyList<PackageFile> files,
        string outputPath,
        PackageWriterOptions? options,
        IProgress<PackageProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceDirectory);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new PackageWriterOptions();

        var descriptorPath = Path.Combine(sourceDirectory, PackageLayout.DescriptorName);
        if (!File.Exists(descriptorPath))
            throw new InvalidInputException($"{descriptorPath}: not found") { Hint = "a package is made from a folder holding appliance.xml" };
        if (files.Count + 1 > PackageLayout.MaxFiles)
            throw new InvalidInputException($"{files.Count} files: a package holds at most {PackageLayout.MaxFiles - 1} besides appliance.xml");
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!paths.Add(file.RelativePath))
                throw new InvalidInputException($"'{file.RelativePath}' is listed twice") { Hint = "list each file of the appliance once" };
            if (PackagePath.Problem(file.RelativePath) is { } problem)
                throw new InvalidInputException($"'{file.RelativePath}': {problem}") { Hint = "keep appliance files in the appliance folder, named portably" };
            if (file.Role == PackageFileRole.Descriptor || file.RelativePath == PackageLayout.DescriptorName)
                throw new ArgumentException("appliance.xml is added by the writer; do not list it", nameof(files));
        }

        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var temporaryRoot = options.TemporaryDirectory ?? outputFolder;
        var work = Directory.CreateDirectory(Path.Combine(temporaryRoot, $".vapp-pack-{Guid.NewGuid():N}")).FullName;
        try
        {
            var descriptorBytes = await File.ReadAllBytesAsync(descriptorPath, cancellationToken).ConfigureAwait(false);
            if (descriptorBytes.Length > PackageLayout.MaxDescriptorBytes)
                throw new InvalidInputException($"{descriptorPath}: larger than {PackageLayout.MaxDescriptorBytes} bytes");
            var descriptorSha = Convert.ToHexStringLower(SHA256.HashData(descriptorBytes));
            var entries = new List<PackageEntry>
            {
                new(PackageLayout.DescriptorName, PackageFileRole.Descriptor, null, descriptorBytes.Length, descriptorBytes.Length, PackageEncoding.Identity, descriptorSha, descriptorSha),
            };
            var storedPaths = new List<string> { descriptorPath };

            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                var source = Path.Combine(sourceDirectory, file.RelativePath);
                var report = progress is null ? null : new Action<long>(done => progress.Report(new PackageProgress(file.RelativePath, i, files.Count, done, 0)));
                var (entry, stored) = await StoreFileAsync(file, source, Path.Combine(work, $"{i}.payload"), options, report, cancellationToken).ConfigureAwait(false);
                entries.Add(entry);
                storedPaths.Add(stored);
            }

            Manifest manifest;
            try
            {
                manifest = Manifest.Create(entries);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException($"{sourceDirectory}: {e.Message}", e) { Hint = "a file cannot also be a folder of another one" };
            }

            var signature = options.Signer?.Sign(manifest.Bytes, options.TimeProvider);
            var partial = Path.Combine(outputFolder, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.partial");
            try
            {
                await WriteArchiveAsync(partial, descriptorBytes, manifest, signature, storedPaths, options.TimeProvider, cancellationToken).ConfigureAwait(false);
                File.Move(partial, outputPath, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }

            return manifest;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Signs a package: writes it again with manifest.json.asc right after manifest.json
    /// (replacing an earlier signature). The payloads are copied, not re-encoded.
    /// </summary>
    public static async Task SignAsync(string packagePath, PackageSigner signer, string? outputPath, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        ArgumentNullException.ThrowIfNull(signer);
        outputPath ??= packagePath;
        timeProvider ??= TimeProvider.System;
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var partial = Path.Combine(outputFolder, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            // Never sign what does not verify.
            await PackageVerifier.VerifyAsync(packagePath, trustStore: null, verifyContent: false, progress: null, cancellationToken).ConfigureAwait(false);
            var input = new FileStream(packagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using (input.ConfigureAwait(false))
            {
                var reader = new PackageReader(input, leaveOpen: true, packagePath);
                await using (reader.ConfigureAwait(false))
                {
                    var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                    var signature = signer.Sign(header.Manifest.Bytes, timeProvider);
                    var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
                    await using (output.ConfigureAwait(false))
                    {
                        var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
                        await using (tar.ConfigureAwait(false))
                        {
                            var time = timeProvider.GetUtcNow();
                            await WriteBytesAsync(tar, PackageLayout.DescriptorName, header.Descriptor, time, cancellationToken).ConfigureAwait(false);
                            await WriteBytesAsync(tar, PackageLayout.ManifestName, header.Manifest.Bytes, time, cancellationToken).ConfigureAwait(false);
                            await WriteBytesAsync(tar, PackageLayout.SignatureName, System.Text.Encoding.ASCII.GetBytes(signature), time, cancellationToken).ConfigureAwait(false);
                            await reader.CopyPayloadsAsync(tar, cancellationToken).ConfigureAwait(false);
                        }

                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                        output.Flush(flushToDisk: true);
                    }
                }
            }

            File.Move(partial, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task<(PackageEntry Entry, string StoredPath)> StoreFileAsync(
        PackageFile file, string source, string temporary, PackageWriterOptions options, Action<long>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
            throw new InvalidInputException($"{source}: not found") { Hint = "every file the descriptor references must be in the appliance folder" };
        if (file.Role == PackageFileRole.Disk)
            await CheckDiskAsync(file, source, cancellationToken).ConfigureAwait(false);

        if (file.Role != PackageFileRole.Disk)
        {
            // Small files (kernels, templates) go in as they are: compressing a compressed kernel buys nothing.
            using var content = new HashingStream(new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true), leaveOpen: false);
            await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            var sha = Convert.ToHexStringLower(content.GetHash());
            return (new PackageEntry(file.RelativePath, file.Role, file.Format, content.Count, content.Count, PackageEncoding.Identity, sha, sha), source);
        }

        using var handle = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);
        var encoder = new SparseZstdEncoder(options.CompressionLevel, options.ChunkLength, options.Threads);
        var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await using (output.ConfigureAwait(false))
        {
            using var stored = new HashingStream(output, leaveOpen: true);
            var contentSha = await encoder.EncodeAsync(handle, length, stored, options.ContentDigests, progress, cancellationToken).ConfigureAwait(false);
            await stored.FlushAsync(cancellationToken).ConfigureAwait(false);
            return (new PackageEntry(file.RelativePath, file.Role, file.Format, length, stored.Count, PackageEncoding.SparseZstd,
                Convert.ToHexStringLower(stored.GetHash()), contentSha is null ? null : Convert.ToHexStringLower(contentSha)), temporary);
        }
    }

    private static async Task CheckDiskAsync(PackageFile file, string source, CancellationToken cancellationToken)
    {
        ImageInfo info;
        try
        {
            info = await ImageInspector.InspectAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException($"{source}: {e.Message}", e) { Hint = "check the image with 'qemu-img check'" };
        }

        ImageRules.Check(info, file.Format, source);
    }

    private static async Task WriteArchiveAsync(
        string path, byte[] descriptor, Manifest manifest, string? signature, List<string> storedPaths, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await using (output.ConfigureAwait(false))
        {
            var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
            await using (tar.ConfigureAwait(false))
            {
                var time = timeProvider.GetUtcNow();
                await WriteBytesAsync(tar, PackageLayout.DescriptorName, descriptor, time, cancellationToken).ConfigureAwait(false);
                await WriteBytesAsync(tar, PackageLayout.ManifestName, manifest.Bytes, time, cancellationToken).ConfigureAwait(false);
                if (signature is not null)
                    await WriteBytesAsync(tar, PackageLayout.SignatureName, System.Text.Encoding.ASCII.GetBytes(signature), time, cancellationToken).ConfigureAwait(false);
                for (var i = 1; i < manifest.Files.Count; i++)
                {
                    var stored = new FileStream(storedPaths[i], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
                    await using (stored.ConfigureAwait(false))
                    {
                        if (stored.Length != manifest.Files[i].StoredSize)
                            throw new IOException($"{storedPaths[i]} changed while it was packed");
                        var entry = new PaxTarEntry(TarEntryType.RegularFile, manifest.Files[i].EntryName)
                        {
                            DataStream = stored,
                            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                            ModificationTime = time,
                        };
                        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            // No fsync: a package is a build output that can be made again (measured: syncing a
            // 256 MiB package doubled the pack time); the store syncs what it installs.
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task WriteBytesAsync(TarWriter tar, string name, byte[] bytes, DateTimeOffset time, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(bytes, writable: false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            ModificationTime = time,
        };
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }
}
