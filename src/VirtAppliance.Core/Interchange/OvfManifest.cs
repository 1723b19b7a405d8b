using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// An OVF manifest (<c>.mf</c>): one <c>ALGORITHM(FILE)= HEX</c> line per file of the package (SHA1, SHA256, SHA512,
/// as VMware's ovftool and VirtualBox write them).
/// </summary>
public sealed partial class OvfManifest
{
    private const int MaxBytes = 1024 * 1024;

    private OvfManifest(IReadOnlyDictionary<string, (string Algorithm, string Digest)> entries) => Entries = entries;

    /// <summary>File name → (algorithm as written, lower-case hex digest).</summary>
    public IReadOnlyDictionary<string, (string Algorithm, string Digest)> Entries { get; }

    /// <exception cref="InvalidInputException">A line is not a digest line, or an algorithm is unknown (exit 3).</exception>
    public static OvfManifest Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxBytes)
            throw new InvalidInputException($"{source}: {text.Length} characters; a manifest has one short line per file");
        var entries = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var match = LinePattern().Match(line);
            if (!match.Success)
                throw new InvalidInputException($"{source}:{number}:1: not a manifest line: '{line}'") { Hint = "a line reads SHA256(disk1.vmdk)= 3f2a…" };
            var algorithm = match.Groups["algorithm"].Value.ToUpperInvariant();
            var digest = match.Groups["digest"].Value.ToLowerInvariant();
            if (HashLength(algorithm) is not { } length)
                throw new InvalidInputException($"{source}:{number}:1: digest algorithm {algorithm} is not one this import checks") { Hint = "SHA1, SHA256 and SHA512 are" };
            if (digest.Length != length * 2)
                throw new InvalidInputException($"{source}:{number}:{match.Groups["digest"].Index + 1}: a {algorithm} digest has {length * 2} hex digits, this one {digest.Length}");
            entries[match.Groups["file"].Value] = (algorithm, digest);
        }
        return new OvfManifest(entries);
    }

    /// <summary>The manifest text for files and their SHA-256 digests, in the given order.</summary>
    public static string Write(IEnumerable<(string File, string Sha256)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var builder = new StringBuilder();
        foreach (var (file, digest) in files)
            builder.Append("SHA256(").Append(file).Append(")= ").Append(digest).Append('\n');
        return builder.ToString();
    }

    /// <summary>The digest of a file with the algorithm of its manifest line, lower-case hex.</summary>
    public static async Task<string> DigestAsync(string path, string algorithm, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var digest = algorithm switch
            {
                "SHA1" => await SHA1.HashDataAsync(stream, cancellationToken).ConfigureAwait(false),
                "SHA512" => await SHA512.HashDataAsync(stream, cancellationToken).ConfigureAwait(false),
                _ => await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false),
            };
            return Convert.ToHexStringLower(digest);
        }
    }

    /// <summary>Checks every file the manifest lists that is in <paramref name="folder"/>.</summary>
    /// <returns>The files of <paramref name="expected"/> the manifest does not cover.</returns>
    /// <exception cref="IntegrityException">A listed file is missing or its digest differs (exit 5).</exception>
    public async Task<IReadOnlyList<string>> CheckAsync(string folder, string source, IReadOnlyCollection<string> expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        foreach (var (file, (algorithm, digest)) in Entries)
        {
            var path = Path.Combine(folder, file);
            if (file.Split('/').Contains("..") || !File.Exists(path))
                throw new IntegrityException($"{source}: lists {file}, which the package does not hold") { Hint = "the package is incomplete: fetch it again" };
            var actual = await DigestAsync(path, algorithm, cancellationToken).ConfigureAwait(false);
            if (actual != digest)
                throw new IntegrityException($"{source}: {file} does not match its {algorithm} digest (expected {digest}, found {actual})")
                {
                    Hint = "the package was damaged or altered after it was made: fetch it again from its supplier",
                };
        }
        return [.. expected.Where(file => !Entries.ContainsKey(file))];
    }

    private static int? HashLength(string algorithm) => algorithm switch
    {
        "SHA1" => 20,
        "SHA256" => 32,
        "SHA512" => 64,
        _ => null,
    };

    [GeneratedRegex(@"^(?<algorithm>[A-Za-z0-9-]+)\((?<file>[^)]+)\)\s*=\s*(?<digest>[0-9A-Fa-f]+)\s*$")]
    private static partial Regex LinePattern();
}
