using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// Where a repository's files come from: http(s):// through HttpClient, or a folder (file:// or a path).
/// Every read is bounded: a file longer than the metadata allows is refused as endless data.
/// </summary>
internal sealed class RepositorySource
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly Uri? baseUri;
    private readonly string? folder;

    public RepositorySource(string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            baseUri = new Uri(url.EndsWith('/') ? url : url + "/");
        else if (Uri.TryCreate(url, UriKind.Absolute, out uri) && uri.IsFile)
            folder = uri.LocalPath;
        else if (!url.Contains("://", StringComparison.Ordinal))
            folder = Path.GetFullPath(url);
        else
            throw new InvalidInputException($"{url}: not a repository URL") { Hint = "give an http://, https:// or file:// URL, or a folder" };
        // A folder is kept as an absolute path, so the remote works from any working directory.
        Url = folder ?? url;
    }

    public string Url { get; }

    public string Describe(string name) => baseUri is null ? Path.Combine(folder!, name) : new Uri(baseUri, name).ToString();

    /// <summary>A metadata file, at most <paramref name="maxLength"/> bytes; null when the repository has no such file.</summary>
    /// <exception cref="IntegrityException">It is longer than <paramref name="maxLength"/>.</exception>
    public async Task<byte[]?> FetchAsync(string name, long maxLength, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var found = await CopyAsync(name, 0, maxLength, buffer, null, cancellationToken).ConfigureAwait(false);
        return found ? buffer.ToArray() : null;
    }

    /// <summary>
    /// Downloads a package into <paramref name="partPath"/>, resuming what an earlier, interrupted download left
    /// there (HTTP Range), and never writing more than <paramref name="length"/> bytes. Returns the SHA-256 and
    /// SHA-512 of the whole file, computed as the bytes arrive (a resumed download hashes its first part again).
    /// </summary>
    public async Task<(string Sha256, string Sha512)> DownloadAsync(string name, string partPath, long length, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var have = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        if (have > length)
        {
            File.Delete(partPath);
            have = 0;
        }
        FileStream output;
        try
        {
            output = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, useAsync: false);
        }
        catch (IOException e) when (File.Exists(partPath))
        {
            throw new ConflictException($"{partPath}: another command is downloading this package ({e.Message})") { Hint = "wait for it to finish, then run the command again" };
        }
        await using (output.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 20];
            for (long done = 0; done < have;)
            {
                var read = await output.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, have - done)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                sha256.AppendData(buffer, 0, read);
                sha512.AppendData(buffer, 0, read);
                done += read;
            }
            if (have < length)
            {
                var digesting = new DigestingStream(output, sha256, sha512);
                var found = await CopyAsync(name, have, length, digesting, new Progress(progress, name, length), cancellationToken, restarted: () =>
                {
                    // The server ignored the Range: start over.
                    output.SetLength(0);
                    output.Seek(0, SeekOrigin.Begin);
                    sha256.GetHashAndReset();
                    sha512.GetHashAndReset();
                }).ConfigureAwait(false);
                if (!found)
                    throw new NotFoundException($"{Describe(name)}: the repository lists this package but does not serve it") { Hint = "tell the repository's owner; the package file is missing" };
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (output.Length < length)
                    throw new VirtApplianceException($"{Describe(name)}: the download ended after {output.Length} of {length} bytes")
                    {
                        Hint = "run the same command again: the download resumes where it stopped",
                    };
            }
        }
        return (Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(sha512.GetHashAndReset()));
    }

    /// <summary>Copies bytes [<paramref name="offset"/>, <paramref name="maxLength"/>) of a file; false when it does not exist.</summary>
    private async Task<bool> CopyAsync(string name, long offset, long maxLength, Stream output, Progress? progress, CancellationToken cancellationToken, Action? restarted = null)
    {
        if (baseUri is null)
        {
            var path = Path.Combine(folder!, name);
            if (!File.Exists(path))
                return false;
            var input = File.OpenRead(path);
            await using (input.ConfigureAwait(false))
            {
                input.Seek(offset, SeekOrigin.Begin);
                await CopyBoundedAsync(input, output, offset, maxLength, Describe(name), progress, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, name));
        if (offset > 0)
            request.Headers.Range = new RangeHeaderValue(offset, null);
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            if (!response.IsSuccessStatusCode)
                throw new VirtApplianceException($"{Describe(name)}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}") { Hint = "check the URL and that the server is up" };
            if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            {
                restarted?.Invoke();
                offset = 0;
            }
            else if (offset > 0 && response.Content.Headers.ContentRange?.From != offset)
            {
                throw new IntegrityException($"{Describe(name)}: asked for bytes from {offset}, the server sent a range from {response.Content.Headers.ContentRange?.From}") { Hint = "run the command again; if it repeats, the server or a proxy is broken" };
            }
            if (response.Content.Headers.ContentLength is { } announced && offset + announced > maxLength)
                throw Endless(Describe(name), maxLength);
            var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
                await CopyBoundedAsync(input, output, offset, maxLength, Describe(name), progress, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpRequestException e)
        {
            throw new VirtApplianceException($"{Describe(name)}: {e.Message}", e) { Hint = "check the URL and the network; an interrupted download resumes when you run the command again" };
        }
    }

    private static async Task CopyBoundedAsync(Stream input, Stream output, long offset, long maxLength, string source, Progress? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        var position = offset;
        while (true)
        {
            int read;
            try
            {
                read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // What arrived stays in the part file, so a second run resumes from there.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                throw new VirtApplianceException($"{source}: the connection broke after {position} bytes ({e.Message})", e)
                {
                    Hint = "run the same command again: the download resumes where it stopped",
                };
            }
            if (read == 0)
                return;
            if (position + read > maxLength)
                throw Endless(source, maxLength);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            position += read;
            progress?.Report(position);
        }
    }

    private static IntegrityException Endless(string source, long maxLength) =>
        new($"{source}: the server sends more than the {maxLength} bytes the signed metadata allows (endless data)")
        {
            Hint = "the repository or a mirror in between is broken or hostile: nothing was installed",
        };

    /// <summary>Writes through to a file and feeds the digests on the way.</summary>
    private sealed class DigestingStream(Stream inner, IncrementalHash first, IncrementalHash second) : Stream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            first.AppendData(buffer.Span);
            second.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class Progress(IProgress<PackageProgress>? progress, string name, long length)
    {
        public void Report(long done) => progress?.Report(new PackageProgress($"downloading {name}", 0, 1, done, length));
    }
}
