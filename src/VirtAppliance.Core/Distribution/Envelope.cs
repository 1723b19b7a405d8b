using System.Text.Json;

namespace VirtAppliance.Core.Distribution;

/// <summary>A metadata file opened but not yet trusted: the signed bytes, their parsed value and the signatures.</summary>
internal sealed record Envelope(byte[] SignedBytes, JsonElement Signed, IReadOnlyList<(string KeyId, string Signature)> Signatures);
