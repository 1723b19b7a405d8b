using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VirtAppliance.Web.Pages;

/// <summary>
/// The message a form's result page shows once after its redirect (post, redirect, get: a reload does not deploy twice). Kept in
/// memory under a random key; a few hundred at most.
/// </summary>
public sealed class Flash
{
    private const int Capacity = 500;

    private readonly ConcurrentDictionary<string, FlashMessage> messages = new(StringComparer.Ordinal);

    public string Put(FlashMessage message)
    {
        if (messages.Count >= Capacity)
            messages.Clear();
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        messages[key] = message;
        return key;
    }

    public FlashMessage? Take(string? key) => key is not null && messages.TryRemove(key, out var message) ? message : null;
}

/// <param name="Ok">False for a failure (shown as an alert).</param>
/// <param name="Lines">Further lines: what to do, the step that failed, ports published …</param>
public sealed record FlashMessage(bool Ok, string Text, IReadOnlyList<string> Lines);
