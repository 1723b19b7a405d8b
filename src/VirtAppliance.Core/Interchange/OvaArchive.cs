using System.Formats.Tar;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// An OVA: a tar of the OVF descriptor (first), its manifest and the files it references (DSP0243 §5.3).
/// Reading takes regular files with plain relative names only; writing emits ustar entries in the given order.
/// </summary>
public static class OvaArchive
{
    /// <summary>How many entries an OVA may hold (a descriptor, a manifest, a certificate, disks, a few files).</summary>
    private const int MaxEntries = 1000;

    /// <summary>Unpacks an OVA into an empty folder.</summary>
    /// <returns>The entry names in archive order.</returns>
    /// <exception cref="InvalidInputException">Not a tar, or an entry is a link, device or a path outside the folder (exit 3).</exception>
    public static async Task<IReadOnlyList<string>> ExtractAsync(string ova, string folder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(ova);
        var names = new List<string>();
        var stream = File.OpenRead(ova);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var reader = new TarReader(stream, leaveOpen: true);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (entry.EntryType is TarEntryType.Directory)
                            continue;
                        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                            throw new InvalidInputException($"{ova}: entry '{entry.Name}' is a {entry.EntryType}, not a file") { Hint = "an OVA holds plain files only" };
                        var name = entry.Name;
                        if (name.StartsWith('/') || name.Split('/').Any(part => part is ".." or ""))
                            throw new InvalidInputException($"{ova}: entry '{name}' is not a plain relative file name") { Hint = "an OVA holds its files beside the descriptor" };
                        if (names.Contains(name, StringComparer.Ordinal))
                            throw new InvalidInputException($"{ova}: entry '{name}' is there twice");
                        if (names.Count >= MaxEntries)
                            throw new InvalidInputException($"{ova}: more than {MaxEntries} entries");
                        var target = Path.Combine(folder, name);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
                        await using (output.ConfigureAwait(false))
                        {
                            if (entry.DataStream is { } data)
                                await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                        }
                        names.Add(name);
                    }
                }
            }
            catch (InvalidDataException error)
            {
                throw new InvalidInputException($"{ova}: not a readable OVA (tar): {error.Message}", error) { Hint = "the file may be truncated; fetch it again" };
            }
        }
        if (names.Count == 0)
            throw new InvalidInputException($"{ova}: the archive is empty") { Hint = "an OVA is a tar holding an .ovf descriptor and its disks" };
        return names;
    }

    /// <summary>Writes an OVA: each file under its entry name, in the given order (the .ovf first).</summary>
    public static async Task WriteAsync(IReadOnlyList<(string Name, string Path)> files, string ova, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var temporary = ova + ".partial";
        try
        {
            var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    foreach (var (name, path) in files)
                    {
                        // Ustar holds files up to 8 GiB; larger ones need pax, which VirtualBox and ovftool read too.
                        var format = new FileInfo(path).Length >= 8L * 1024 * 1024 * 1024 ? TarEntryFormat.Pax : TarEntryFormat.Ustar;
                        var data = File.OpenRead(path);
                        await using (data.ConfigureAwait(false))
                        {
                            TarEntry entry = format == TarEntryFormat.Pax ? new PaxTarEntry(TarEntryType.RegularFile, name) : new UstarTarEntry(TarEntryType.RegularFile, name);
                            entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                            entry.ModificationTime = File.GetLastWriteTimeUtc(path);
                            entry.DataStream = data;
                            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            File.Move(temporary, ova, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
