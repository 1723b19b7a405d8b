using System.Security.Cryptography;

namespace VirtAppliance.Core.Packaging;

/// <summary>Feeds runs of zero bytes (the holes of a sparse disk) into a content hash.</summary>
internal static class ZeroHash
{
    private static readonly byte[] Zeros = new byte[1 << 20];

    public static void Append(IncrementalHash hash, long count)
    {
        while (count > 0)
        {
            var n = (int)Math.Min(count, Zeros.Length);
            hash.AppendData(Zeros, 0, n);
            count -= n;
        }
    }
}
