using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace VirtAppliance.Web.Security;

/// <summary>
/// The token a non-loopback server requires: as <c>Authorization: Bearer TOKEN</c> (scripts, Prometheus) or, for a browser,
/// once on the login form, which hands out a random session cookie (HttpOnly, SameSite=Strict) that stands for it.
/// </summary>
public sealed class BearerToken
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "va_session";

    /// <summary>The shortest token accepted: 128 bits as hex.</summary>
    public const int MinimumLength = 32;

    private static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly byte[] digest;
    private readonly ConcurrentDictionary<string, DateTimeOffset> sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public BearerToken(string token, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        this.time = time;
    }

    /// <summary>
    /// Whether <paramref name="given"/> is the token. Both sides are hashed first and compared in constant time, so neither
    /// the position of the first wrong character nor the token's length shows in the time the answer takes.
    /// </summary>
    public bool Matches(string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), digest);

    /// <summary>A new browser session after a correct token on the login form.</summary>
    public string OpenSession()
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        foreach (var (old, expires) in sessions)
        {
            if (expires < now)
                sessions.TryRemove(old, out _);
        }
        sessions[id] = now + SessionLifetime;
        return id;
    }

    public bool IsSession(string? id) => id is not null && sessions.TryGetValue(id, out var expires) && expires > time.GetUtcNow();
}
