namespace VirtAppliance.Core.Packaging;

/// <summary>Verifies a package file end to end without unpacking it.</summary>
public static class PackageVerifier
{
    /// <summary>
    /// Checks structure, every size and stored digest and the disk headers, and the signature
    /// against <paramref name="trustStore"/> (untrusted when null). With
    /// <paramref name="verifyContent"/> it also decompresses every disk to check its content digest.
    /// </summary>
    /// <exception cref="Errors.IntegrityException">A size or digest does not hold.</exception>
    /// <exception cref="Errors.InvalidInputException">The package breaks a rule (paths, links, backing files …).</exception>
    public static async Task<PackageVerification> VerifyAsync(
        string packagePath, TrustStore? trustStore, bool verifyContent, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        var stream = PackageReader.OpenFile(packagePath);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new PackageReader(stream, leaveOpen: true, packagePath);
            await using (reader.ConfigureAwait(false))
            {
                var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                var signature = trustStore is null
                    ? OpenPgp.Verify(header.Signature, header.Manifest.Bytes, [])
                    : await trustStore.CheckAsync(header.Signature, header.Manifest.Bytes, cancellationToken).ConfigureAwait(false);
                await reader.VerifyPayloadsAsync(verifyContent, progress, cancellationToken).ConfigureAwait(false);
                return new PackageVerification(header, signature);
            }
        }
    }
}
