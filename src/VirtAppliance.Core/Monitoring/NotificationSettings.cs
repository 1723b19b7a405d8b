using System.Text.Json;
using System.Text.Json.Serialization;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// The channels alerts go to, in ROOT/notifications.json (mode 0600: it holds SMTP passwords and webhook headers).
/// Written to a temporary file and renamed, so a reader sees the old list or the new one.
/// </summary>
internal static class NotificationSettings
{
    public const string FileName = "notifications.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string PathIn(string root) => System.IO.Path.Combine(root, FileName);

    /// <exception cref="InvalidInputException">The file is not a channel list.</exception>
    public static async Task<IReadOnlyList<NotificationChannel>> LoadAsync(string root, CancellationToken cancellationToken)
    {
        var path = PathIn(root);
        if (!File.Exists(path))
            return [];
        try
        {
            await using var stream = File.OpenRead(path);
            return (await JsonSerializer.DeserializeAsync<Document>(stream, Json, cancellationToken).ConfigureAwait(false))?.Channels ?? [];
        }
        catch (JsonException error)
        {
            throw new InvalidInputException($"{path}:{error.LineNumber + 1}: not a notification channel list: {error.Message}")
            {
                Hint = "fix or remove the file; 'virt-appliance notify add' writes it",
            };
        }
    }

    public static async Task SaveAsync(string root, IReadOnlyList<NotificationChannel> channels, CancellationToken cancellationToken)
    {
        var path = PathIn(root);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, new Document([.. channels]), Json, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record Document(List<NotificationChannel> Channels);
}
