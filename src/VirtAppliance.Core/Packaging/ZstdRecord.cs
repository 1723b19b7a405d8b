using System.Buffers;
using ZstdNet;

namespace VirtAppliance.Core.Packaging;

/// <summary>One compressed record of a disk encoding (sparse-zstd, delta-zstd) back to its bytes.</summary>
internal static class ZstdRecord
{
    /// <summary>The record's <paramref name="raw"/> bytes in a buffer rented from the shared pool (the caller returns it).</summary>
    /// <param name="options">A dictionary (a delta's base bytes), or null.</param>
    /// <exception cref="InvalidDataException">The record does not decompress to exactly <paramref name="raw"/> bytes.</exception>
    public static byte[] Decompress(string encoding, long offset, int raw, ReadOnlySpan<byte> stored, DecompressionOptions? options)
    {
        var data = ArrayPool<byte>.Shared.Rent(raw);
        try
        {
            using var decompressor = options is null ? new Decompressor() : new Decompressor(options);
            int written;
            try
            {
                written = decompressor.Unwrap(stored, data.AsSpan(0, raw));
            }
            catch (ZstdException e)
            {
                throw new InvalidDataException($"{encoding} stream: the record at content offset {offset} does not decompress ({e.Message})", e);
            }

            if (written != raw)
                throw new InvalidDataException($"{encoding} stream: the record at content offset {offset} holds {written} bytes, {raw} announced");
            return data;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }
    }
}
