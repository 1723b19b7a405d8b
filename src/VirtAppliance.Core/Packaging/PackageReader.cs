using System.Formats.Tar;
using Microsoft.Win32.SafeHandles;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Reads a .vapp package from a stream, front to back, trusting nothing: the header entries
/// first (<see cref="ReadHeaderAsync"/>), then the payloads (verify or extract), each checked
/// against the manifest. Works on non-seekable streams (a download).
/// </summary>
public sealed class PackageReader : IAsyncDisposable, IDisposable
{
    private const string DamagedHint = "the package is damaged or was altered: fetch it again or ask its supplier";
    private const string MalformedHint = "the package was not made by 'virt-appliance pack' or was altered: ask its supplier";

    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly string source;
    private readonly TarReader tar;
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private PackageHeader? header;
    private TarEntry? lookahead;
    private bool payloadsDone;

    /// <param name="stream">The package bytes, read forward only.</param>
    /// <param name="leaveOpen">Whether <paramref name="stream"/> stays open when the reader is disposed.</param>
    /// <param name="sourceName">How messages name the package (a path or URL).</param>
    public PackageReader(Stream stream, bool leaveOpen, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        source = sourceName ?? "package";
        tar = new TarReader(new TarHeaderLimit(stream), leaveOpen: true);
    }

    /// <summary>
    /// For a delta package: the folder holding the installed base version's files, already checked
    /// against the base named in the manifest. Extracting a delta package needs it; verifying does not.
    /// </summary>
    public string? BaseDirectory { get; set; }

    internal static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        }
        catch (FileNotFoundException e)
        {
            throw new NotFoundException($"{path}: no such package") { Hint = e.Message };
        }
    }

    /// <summary>Reads appliance.xml, manifest.json and the optional signature, and checks the descriptor's digest.</summary>
    public async Task<PackageHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (header is not null)
            return header;

        var descriptorEntry = Expect(await NextAsync(cancellationToken).ConfigureAwait(false), PackageLayout.DescriptorName, PackageLayout.MaxDescriptorBytes);
        var descriptor = await ReadSmallAsync(descriptorEntry, cancellationToken).ConfigureAwait(false);
        var manifestEntry = Expect(await NextAsync(cancellationToken).ConfigureAwait(false), PackageLayout.ManifestName, PackageLayout.MaxManifestBytes);
        var manifestBytes = await ReadSmallAsync(manifestEntry, cancellationToken).ConfigureAwait(false);
        Manifest manifest;
        try
        {
            manifest = Manifest.Parse(manifestBytes);
        }
        catch (InvalidDataException e) when (e.Data.Contains(Manifest.NewerFormatKey))
        {
            throw new InvalidInputException($"{source}: {e.Message}", e) { Hint = "update virt-appliance to read it, or ask its supplier for a package of an older format" };
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException($"{source}: {e.Message}", e) { Hint = MalformedHint };
        }

        var descriptorFile = manifest.Descriptor;
        if (descriptor.Length != descriptorFile.Size || Convert.ToHexStringLower(ContentHash.HashAll(descriptor)) != descriptorFile.ContentDigest)
            throw new IntegrityException($"{source}: appliance.xml does not match the digest in the manifest") { Hint = DamagedHint };

        string? signature = null;
        var next = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (next is not null && next.Name == PackageLayout.SignatureName)
        {
            Expect(next, PackageLayout.SignatureName, PackageLayout.MaxSignatureBytes);
            signature = System.Text.Encoding.ASCII.GetString(await ReadSmallAsync(next, cancellationToken).ConfigureAwait(false));
            next = null;
        }

        lookahead = next;
        header = new PackageHeader(descriptor, manifest, signature);
        return header;
    }

    /// <summary>Reads every payload and checks its size, digest and (for disks) its image header, writing nothing.</summary>
    /// <param name="verifyContent">Also decompress disks and check the digest of their content (slower).</param>
    /// <param name="progress">Receives the file at work and its bytes done.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    public Task VerifyPayloadsAsync(bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        ProcessPayloadsAsync(null, verifyContent, progress, cancellationToken);

    /// <summary>
    /// Restores every file into <paramref name="directory"/> (disks as sparse files), checking each
    /// as <see cref="VerifyPayloadsAsync"/> does. On failure, files written so far stay: extract
    /// into a staging folder and discard it.
    /// </summary>
    public Task ExtractAsync(string directory, bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return ProcessPayloadsAsync(directory, verifyContent, progress, cancellationToken);
    }

    /// <summary>Copies the payload entries unchanged (for re-signing).</summary>
    internal async Task CopyPayloadsAsync(TarWriter writer, CancellationToken cancellationToken)
    {
        var manifest = (await ReadHeaderAsync(cancellationToken).ConfigureAwait(false)).Manifest;
        foreach (var file in manifest.Files.Skip(1))
        {
            var entry = Expect(await NextAsync(cancellationToken).ConfigureAwait(false), file.EntryName, PackageLayout.MaxFileSize, manifest);
            if (entry.Length != file.StoredSize)
                throw new IntegrityException($"{source}: '{file.EntryName}' holds {entry.Length} bytes, the manifest says {file.StoredSize}") { Hint = DamagedHint };
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        await ExpectEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ProcessPayloadsAsync(string? directory, bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        var manifest = (await ReadHeaderAsync(cancellationToken).ConfigureAwait(false)).Manifest;
        if (payloadsDone)
            throw new InvalidOperationException("the payloads were already read");
        payloadsDone = true;

        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            var descriptor = new FileStream(Path.Combine(directory, PackageLayout.DescriptorName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            await using (descriptor.ConfigureAwait(false))
            {
                await descriptor.WriteAsync(header!.Descriptor, cancellationToken).ConfigureAwait(false);
                descriptor.Flush(flushToDisk: true);
            }
        }

        for (var i = 1; i < manifest.Files.Count; i++)
        {
            var file = manifest.Files[i];
            var entry = Expect(await NextAsync(cancellationToken).ConfigureAwait(false), file.EntryName, PackageLayout.MaxFileSize, manifest);
            if (entry.Length != file.StoredSize)
                throw new IntegrityException($"{source}: '{file.EntryName}' holds {entry.Length} bytes, the manifest says {file.StoredSize}") { Hint = DamagedHint };
            var index = i - 1;
            var report = progress is null ? null : new Action<long>(done => progress.Report(new PackageProgress(file.Path, index, manifest.Files.Count - 1, done, file.Size)));
            var target = directory is null ? null : Path.Combine(directory, file.Path);
            report?.Invoke(0);
            await ProcessPayloadAsync(file, entry, target, verifyContent, report, cancellationToken).ConfigureAwait(false);
        }

        await ExpectEndAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ProcessPayloadAsync(PackageEntry file, TarEntry entry, string? target, bool verifyContent, Action<long>? progress, CancellationToken cancellationToken)
    {
        var stored = new CountingStream(entry.DataStream ?? Stream.Null);
        FileStream? output = null;
        if (target is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            output = new FileStream(target, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, useAsync: true);
        }

        byte[] head;
        string storedDigest;
        string? contentDigest = null;
        try
        {
            try
            {
                if (file.Encoding == PackageEncoding.DeltaZstd)
                {
                    (head, storedDigest, contentDigest) = await DecodeDeltaAsync(file, stored, output, progress, cancellationToken).ConfigureAwait(false);
                }
                else if (file.Encoding == PackageEncoding.SparseZstd)
                {
                    if (output is not null)
                        output.SetLength(file.Size); // a sparse file of the full size; data lands at its offsets
                    var decoder = new SparseZstdDecoder(file.Size, output?.SafeFileHandle, verifyContent, ImageInspector.HeadLength, Environment.ProcessorCount);
                    var (stream, content) = await decoder.DecodeAsync(stored, progress, cancellationToken).ConfigureAwait(false);
                    head = decoder.Head;
                    storedDigest = Convert.ToHexStringLower(stream);
                    contentDigest = content is null ? null : Convert.ToHexStringLower(content);
                }
                else
                {
                    (head, var digest) = await CopyIdentityAsync(stored, output, file.Size, progress, cancellationToken).ConfigureAwait(false);
                    storedDigest = contentDigest = Convert.ToHexStringLower(digest);
                }
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                // The stored digest covers the stream's structure, so a malformed stream cannot be told
                // from a damaged one: either way the bytes are not what the manifest promises.
                var what = stored.Count < file.StoredSize ? "is truncated or damaged" : "is damaged";
                throw new IntegrityException($"{source}: '{file.EntryName}' {what}: {e.Message}", e) { Hint = DamagedHint };
            }

            if (output is not null)
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }
        }
        finally
        {
            if (output is not null)
                await output.DisposeAsync().ConfigureAwait(false);
        }

        if (stored.Count != file.StoredSize)
            throw new IntegrityException($"{source}: '{file.EntryName}' holds {stored.Count} bytes, the manifest says {file.StoredSize}") { Hint = DamagedHint };
        if (storedDigest != file.StoredDigest)
            throw new IntegrityException($"{source}: '{file.EntryName}' does not match its digest in the manifest") { Hint = DamagedHint };
        if (contentDigest is not null && contentDigest != file.ContentDigest)
            throw new IntegrityException($"{source}: the restored '{file.Path}' does not match its content digest in the manifest") { Hint = DamagedHint };

        if (file.Role == PackageFileRole.Disk && (file.Encoding != PackageEncoding.DeltaZstd || target is not null))
        {
            try
            {
                ImageRules.Check(ImageInspector.Inspect(head, file.Size), file.Format, $"{source}: '{file.Path}'");
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException($"{source}: '{file.Path}': {e.Message}", e) { Hint = MalformedHint };
            }
        }
    }

    /// <summary>
    /// Decodes a delta-zstd entry. Verifying alone checks its structure and stored digest; restoring
    /// copies from the base file and then checks the restored file's content digest (the result must
    /// be exactly the full version's file).
    /// </summary>
    private async Task<(byte[] Head, string StoredDigest, string? ContentDigest)> DecodeDeltaAsync(
        PackageEntry file, Stream stored, FileStream? output, Action<long>? progress, CancellationToken cancellationToken)
    {
        if (output is null)
        {
            var checkedOnly = await new DeltaZstdDecoder(file.Size, file.BaseFile?.Size ?? 0, null, null, Environment.ProcessorCount)
                .DecodeAsync(stored, progress, cancellationToken).ConfigureAwait(false);
            return ([], Convert.ToHexStringLower(checkedOnly), null);
        }

        SafeFileHandle? baseHandle = null;
        try
        {
            if (file.BaseFile is { } baseFile)
            {
                if (BaseDirectory is null)
                    throw new InvalidOperationException("a delta package is extracted with its base's folder (BaseDirectory)");
                baseHandle = File.OpenHandle(Path.Combine(BaseDirectory, baseFile.Path), FileMode.Open, FileAccess.Read, FileShare.Read);
                if (RandomAccess.GetLength(baseHandle) != baseFile.Size)
                    throw new IntegrityException($"{source}: the base file '{baseFile.Path}' is not {baseFile.Size} bytes") { Hint = "verify the base version ('virt-appliance verify NAME@VERSION') and install it again" };
            }

            output.SetLength(file.Size);
            var digest = await new DeltaZstdDecoder(file.Size, file.BaseFile?.Size ?? 0, baseHandle, output.SafeFileHandle, Environment.ProcessorCount)
                .DecodeAsync(stored, progress, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            var head = new byte[(int)Math.Min(ImageInspector.HeadLength, file.Size)];
            await RandomAccess.ReadAsync(output.SafeFileHandle, head, 0, cancellationToken).ConfigureAwait(false);
            var content = await ContentHash.ComputeAsync(output.SafeFileHandle, cancellationToken).ConfigureAwait(false);
            return (head, Convert.ToHexStringLower(digest), Convert.ToHexStringLower(content));
        }
        finally
        {
            baseHandle?.Dispose();
        }
    }

    private static async Task<(byte[] Head, byte[] ContentDigest)> CopyIdentityAsync(Stream input, FileStream? output, long size, Action<long>? progress, CancellationToken cancellationToken)
    {
        var head = new byte[(int)Math.Min(ImageInspector.HeadLength, size)];
        var buffer = new byte[ContentHash.BlockLength];
        using var contentHash = new ContentHash(size);
        long done = 0;
        int n;
        while ((n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (done + n > size)
                throw new InvalidDataException($"holds more than the {size} bytes the manifest says");
            contentHash.Append(done, ContentHash.HashBlocks(buffer.AsSpan(0, n)));
            if (done < head.Length)
                buffer.AsSpan(0, (int)Math.Min(n, head.Length - done)).CopyTo(head.AsSpan((int)done));
            if (output is not null)
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            done += n;
            progress?.Invoke(done);
        }

        return (head, contentHash.Finish());
    }

    private async Task ExpectEndAsync(CancellationToken cancellationToken)
    {
        var extra = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (extra is not null)
        {
            CheckEntry(extra);
            throw new IntegrityException($"{source}: '{extra.Name}' is not listed in the manifest") { Hint = DamagedHint };
        }
    }

    private async Task<TarEntry?> NextAsync(CancellationToken cancellationToken)
    {
        if (lookahead is not null)
        {
            var entry = lookahead;
            lookahead = null;
            return entry;
        }

        try
        {
            return await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            throw new IntegrityException($"{source}: not a readable package (damaged or truncated tar: {e.Message})", e) { Hint = DamagedHint };
        }
    }

    /// <summary>Checks that the next entry is a regular file named <paramref name="name"/> within the size limit.</summary>
    private TarEntry Expect(TarEntry? entry, string name, long maxSize, Manifest? manifest = null)
    {
        if (entry is null)
            throw new IntegrityException($"{source}: '{name}' is missing (the package ends before it)") { Hint = DamagedHint };
        CheckEntry(entry);
        if (entry.Name != name)
        {
            if (seen.Contains(entry.Name))
                throw new IntegrityException($"{source}: '{entry.Name}' appears twice") { Hint = DamagedHint };
            if (manifest is not null && manifest.Files.Any(f => f.EntryName == entry.Name))
                throw new IntegrityException($"{source}: '{entry.Name}' comes before '{name}', out of the manifest's order") { Hint = MalformedHint };
            if (manifest is not null)
                throw new IntegrityException($"{source}: '{entry.Name}' is not listed in the manifest (expected '{name}')") { Hint = DamagedHint };
            throw new InvalidInputException($"{source}: '{entry.Name}' found where '{name}' belongs") { Hint = MalformedHint };
        }

        if (entry.Length > maxSize)
            throw new InvalidInputException($"{source}: '{name}' is {entry.Length} bytes, the limit is {maxSize}") { Hint = MalformedHint };
        seen.Add(entry.Name);
        return entry;
    }

    private void CheckEntry(TarEntry entry)
    {
        var kind = entry.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile => null,
            TarEntryType.SymbolicLink => $"a symbolic link (to '{entry.LinkName}')",
            TarEntryType.HardLink => $"a hard link (to '{entry.LinkName}')",
            TarEntryType.BlockDevice or TarEntryType.CharacterDevice => "a device",
            TarEntryType.Fifo => "a fifo",
            TarEntryType.Directory => "a folder",
            var other => $"an unsupported entry type ({other})",
        };
        if (kind is not null)
            throw new InvalidInputException($"{source}: '{entry.Name}' is {kind}; packages hold regular files only") { Hint = MalformedHint };
        if (PackagePath.Problem(entry.Name) is { } problem && entry.Name is not (PackageLayout.ManifestName or PackageLayout.SignatureName))
            throw new InvalidInputException($"{source}: entry '{entry.Name}': {problem}") { Hint = MalformedHint };
    }

    private async Task<byte[]> ReadSmallAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var bytes = new byte[entry.Length];
        if (entry.DataStream is not null)
        {
            try
            {
                await entry.DataStream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                throw new IntegrityException($"{source}: '{entry.Name}' is truncated", e) { Hint = DamagedHint };
            }
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await tar.DisposeAsync().ConfigureAwait(false);
        if (!leaveOpen)
            await stream.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        tar.Dispose();
        if (!leaveOpen)
            stream.Dispose();
    }
}
