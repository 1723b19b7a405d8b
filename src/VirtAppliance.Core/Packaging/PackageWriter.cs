using System.Formats.Tar;
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

        var descriptorBytes = await File.ReadAllBytesAsync(descriptorPath, cancellationToken).ConfigureAwait(false);
        if (descriptorBytes.Length > PackageLayout.MaxDescriptorBytes)
            throw new InvalidInputException($"{descriptorPath}: larger than {PackageLayout.MaxDescriptorBytes} bytes");
        var descriptorDigest = Convert.ToHexStringLower(ContentHash.HashAll(descriptorBytes));
        var descriptorEntry = new PackageEntry(PackageLayout.DescriptorName, PackageFileRole.Descriptor, null, descriptorBytes.Length, descriptorBytes.Length,
            PackageEncoding.Identity, descriptorDigest, descriptorDigest);
        foreach (var file in files)
        {
            var source = Path.Combine(sourceDirectory, file.RelativePath);
            if (!File.Exists(source))
                throw new InvalidInputException($"{source}: not found") { Hint = "every file the descriptor references must be in the appliance folder" };
            if (file.Role == PackageFileRole.Disk)
                await CheckDiskAsync(file, source, cancellationToken).ConfigureAwait(false);
        }

        // Payloads go straight into the package behind room kept for the header entries, which
        // are known only at the end (the manifest holds the payloads' digests): no second copy.
        var time = DateTimeOffset.FromUnixTimeSeconds(options.TimeProvider.GetUtcNow().ToUnixTimeSeconds());
        var headRoom = HeadLength(descriptorBytes, BoundingManifest(descriptorEntry, files, options.DeltaFrom), options.Signer, time);
        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var partial = Path.Combine(outputFolder, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            Manifest manifest;
            var output = new FileStream(partial, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var entries = new List<PackageEntry> { descriptorEntry };
                var slots = new List<(long Start, int Length)>();
                var position = (long)headRoom;
                for (var i = 0; i < files.Count; i++)
                {
                    var file = files[i];
                    var slot = PaxHeader.MaxLength(EntryName(file, options.DeltaFrom));
                    output.Position = position + slot;
                    var index = i;
                    var report = progress is null ? null : new Action<long, long>((done, total) => progress.Report(new PackageProgress(file.RelativePath, index, files.Count, done, total)));
                    var entry = await StoreFileAsync(file, Path.Combine(sourceDirectory, file.RelativePath), output, options, report, cancellationToken).ConfigureAwait(false);
                    await output.WriteAsync(new byte[PaxHeader.RoundUp(entry.StoredSize) - entry.StoredSize], cancellationToken).ConfigureAwait(false);
                    entries.Add(entry);
                    slots.Add((position, slot));
                    position = output.Position;
                }

                try
                {
                    manifest = Manifest.Create(entries, options.DeltaFrom?.Base, PackageLayout.SparseVersionFor(options.ChunkLength) == PackageLayout.SparseLargeRecordVersion);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidInputException($"{sourceDirectory}: {e.Message}", e) { Hint = "a file cannot also be a folder of another one" };
                }

                var signature = options.Signer?.Sign(manifest.Bytes, options.TimeProvider);
                var head = Head(descriptorBytes, manifest, signature, time);
                if (files.Count == 0)
                {
                    output.Position = 0;
                    await output.WriteAsync(head, cancellationToken).ConfigureAwait(false);
                    position = head.Length;
                }
                else
                {
                    if (head.Length > headRoom)
                        throw new InvalidOperationException($"the package's header entries take {head.Length} bytes, {headRoom} were kept");
                    output.Position = 0;
                    await output.WriteAsync(head, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < files.Count; i++)
                    {
                        var (start, length) = slots[i];
                        if (i == 0)
                            (start, length) = (head.Length, length + (headRoom - head.Length));
                        output.Position = start;
                        await output.WriteAsync(PaxHeader.Build(manifest.Files[i + 1].EntryName, manifest.Files[i + 1].StoredSize, time, length), cancellationToken).ConfigureAwait(false);
                    }
                }

                output.Position = position;
                await output.WriteAsync(new byte[2 * PaxHeader.BlockLength], cancellationToken).ConfigureAwait(false);
                output.SetLength(output.Position);

                // No fsync: a package is a build output that can be made again (measured: syncing a
                // 256 MiB package doubled the pack time); the store syncs what it installs.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, outputPath, overwrite: true);
            return manifest;
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new VirtApplianceException($"{outputPath}: cannot write the package: {e.Message}", e)
            {
                Hint = "make room on that file system or write the package elsewhere (-o); nothing was written",
            };
        }
        finally
        {
            File.Delete(partial);
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

    private static string EntryName(PackageFile file, DeltaBase? deltaFrom) =>
        deltaFrom is not null ? file.RelativePath + PackageLayout.DeltaZstdSuffix
        : file.Role == PackageFileRole.Disk ? file.RelativePath + PackageLayout.SparseZstdSuffix : file.RelativePath;

    /// <summary>Writes one file's stored bytes at the output's position; returns its manifest entry.</summary>
    private static async Task<PackageEntry> StoreFileAsync(
        PackageFile file, string source, Stream output, PackageWriterOptions options, Action<long, long>? report, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);
        var progress = report is null ? null : new Action<long>(done => report(done, length));
        if (options.DeltaFrom is { } deltaFrom)
        {
            // Every file of a delta package is a delta against the base's file of the same path (all new data when there is none).
            var baseEntry = deltaFrom.Manifest.Files.Skip(1).FirstOrDefault(f => f.Path == file.RelativePath);
            var baseFile = baseEntry is null ? null : new PackageBaseFile(baseEntry.Path, baseEntry.Size, baseEntry.ContentDigest);
            var delta = await new DeltaZstdEncoder(options.DeltaCompressionLevel, options.Threads)
                .EncodeAsync(source, baseEntry is null ? null : Path.Combine(deltaFrom.Directory, baseEntry.Path), output, progress, cancellationToken).ConfigureAwait(false);
            return new PackageEntry(file.RelativePath, file.Role, file.Format, length, delta.StoredLength, PackageEncoding.DeltaZstd,
                Convert.ToHexStringLower(delta.StoredDigest), Convert.ToHexStringLower(delta.ContentDigest), baseFile);
        }

        if (file.Role != PackageFileRole.Disk)
        {
            // Small files (kernels, templates) go in as they are: compressing a compressed kernel buys nothing.
            using var contentHash = new ContentHash(length);
            var buffer = new byte[ContentHash.BlockLength];
            for (long offset = 0; offset < length; offset += ContentHash.BlockLength)
            {
                var count = (int)Math.Min(ContentHash.BlockLength, length - offset);
                await SparseZstdEncoder.ReadExactlyAsync(handle, buffer.AsMemory(0, count), offset, cancellationToken).ConfigureAwait(false);
                contentHash.Append(offset, ContentHash.HashBlocks(buffer.AsSpan(0, count)));
                await output.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                progress?.Invoke(offset + count);
            }

            var digest = Convert.ToHexStringLower(contentHash.Finish());
            return new PackageEntry(file.RelativePath, file.Role, file.Format, length, length, PackageEncoding.Identity, digest, digest);
        }

        using var encoder = new SparseZstdEncoder(options.CompressionLevel, options.ChunkLength, options.Threads, options.LongDistanceMatching);
        var encoded = await encoder.EncodeAsync(handle, length, output, progress, cancellationToken).ConfigureAwait(false);
        return new PackageEntry(file.RelativePath, file.Role, file.Format, length, encoded.StoredLength, PackageEncoding.SparseZstd,
            Convert.ToHexStringLower(encoded.StoredDigest), Convert.ToHexStringLower(encoded.ContentDigest));
    }

    /// <summary>A manifest at least as long as the real one will be: every size at its widest.</summary>
    private static Manifest BoundingManifest(PackageEntry descriptor, IReadOnlyList<PackageFile> files, DeltaBase? deltaFrom)
    {
        var digest = new string('0', 64);
        var entries = new List<PackageEntry> { descriptor };
        entries.AddRange(files.Select(f => new PackageEntry(f.RelativePath, f.Role, f.Format, PackageLayout.MaxFileSize, PackageLayout.MaxFileSize,
            deltaFrom is not null ? PackageEncoding.DeltaZstd : f.Role == PackageFileRole.Disk ? PackageEncoding.SparseZstd : PackageEncoding.Identity, digest, digest,
            deltaFrom?.Manifest.Files.FirstOrDefault(b => b.Path == f.RelativePath) is { } b ? new PackageBaseFile(b.Path, PackageLayout.MaxFileSize, digest) : null)));
        try
        {
            return Manifest.Create(entries, deltaFrom?.Base);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException($"{e.Message}", e) { Hint = "a file cannot also be a folder of another one" };
        }
    }

    /// <summary>The most bytes the descriptor, manifest and signature entries can take.</summary>
    private static int HeadLength(byte[] descriptor, Manifest manifest, PackageSigner? signer, DateTimeOffset time)
    {
        var length = EntryLength(PackageLayout.DescriptorName, descriptor.Length, time) + EntryLength(PackageLayout.ManifestName, manifest.Bytes.Length, time);
        if (signer is not null)
        {
            // A signature's length varies by a few bytes (leading zeros of its numbers); a block covers it.
            var signatureLength = System.Text.Encoding.ASCII.GetByteCount(signer.Sign(manifest.Bytes, TimeProvider.System));
            length += EntryLength(PackageLayout.SignatureName, signatureLength + PaxHeader.BlockLength, time);
        }

        return length;
    }

    private static int EntryLength(string name, int size, DateTimeOffset time) =>
        PaxHeader.Length(name, size, time.ToUnixTimeSeconds()) + (int)PaxHeader.RoundUp(size);

    private static byte[] Head(byte[] descriptor, Manifest manifest, string? signature, DateTimeOffset time)
    {
        using var head = new MemoryStream();
        AppendEntry(head, PackageLayout.DescriptorName, descriptor, time);
        AppendEntry(head, PackageLayout.ManifestName, manifest.Bytes, time);
        if (signature is not null)
            AppendEntry(head, PackageLayout.SignatureName, System.Text.Encoding.ASCII.GetBytes(signature), time);
        return head.ToArray();
    }

    private static void AppendEntry(MemoryStream archive, string name, byte[] data, DateTimeOffset time)
    {
        archive.Write(PaxHeader.Build(name, data.Length, time, PaxHeader.Length(name, data.Length, time.ToUnixTimeSeconds())));
        archive.Write(data);
        archive.Write(new byte[PaxHeader.RoundUp(data.Length) - data.Length]);
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
