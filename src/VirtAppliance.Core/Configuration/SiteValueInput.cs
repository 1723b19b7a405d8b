using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// Reads site values as a user gives them: <c>--set NAME=VALUE</c> items and <c>--values FILE</c>
/// files (JSON or YAML, a flat mapping of names to scalars). Only the form is checked here;
/// <see cref="SiteValues.Resolve"/> checks names and types against the appliance.
/// </summary>
public static partial class SiteValueInput
{
    /// <summary>The largest values file read, checked before parsing.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Reads <c>NAME=VALUE</c> items; the value may be empty or contain <c>=</c>; the same name twice: the last wins.</summary>
    /// <exception cref="InvalidInputException">An item has no <c>=</c> or an empty name.</exception>
    public static IReadOnlyDictionary<string, string> ParseAssignments(IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            ArgumentNullException.ThrowIfNull(assignment);
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? "" : assignment[..equals].Trim();
            if (name.Length == 0)
            {
                // An item without '=' is most likely a name missing its value; after an empty name
                // comes a value, which may be a password: it is not repeated.
                var shown = equals < 0 ? $"'{assignment}' has no '='" : "an item starting with '=' has no name";
                throw new InvalidInputException($"--set {shown}: expected NAME=VALUE")
                {
                    Hint = "write --set NAME=VALUE, e.g. --set mail_host=mail.example.com",
                };
            }
            values[name] = assignment[(equals + 1)..];
        }
        return values;
    }

    /// <summary>
    /// Reads a values file: JSON (<c>.json</c>) or YAML (<c>.yaml</c>, <c>.yml</c>), a flat mapping of
    /// name to string, number or boolean. Each value remembers its line and column.
    /// </summary>
    /// <exception cref="NotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidInputException">
    /// The file is too large, malformed, nested, has a duplicate or empty value, or an unknown extension;
    /// the message starts with <c>file:line:column:</c>.
    /// </exception>
    public static async Task<IReadOnlyDictionary<string, ValueSource>> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var isJson = extension == ".json";
        if (!isJson && extension is not (".yaml" or ".yml"))
            throw new InvalidInputException($"{path}: a values file must be .json, .yaml or .yml")
            {
                Hint = "write the values as a JSON object or a YAML mapping of NAME: VALUE and name the file accordingly",
            };
        var text = await ReadBoundedAsync(path, cancellationToken).ConfigureAwait(false);
        return isJson ? ReadJson(path, text) : ReadYaml(path, text);
    }

    private static async Task<string> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotFoundException($"values file {path} does not exist") { Hint = "check the path given to --values" };
        }
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > MaxFileBytes)
                throw TooLarge(path);
            var buffer = new byte[MaxFileBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                total += read;
            if (total > MaxFileBytes)
                throw TooLarge(path);
            try
            {
                return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, total).TrimStart('\uFEFF');
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw new InvalidInputException($"{path}: the file is not UTF-8 text") { Hint = "save the values file as UTF-8" };
            }
        }
    }

    private static InvalidInputException TooLarge(string path) =>
        new($"{path}: a values file is at most {MaxFileBytes / 1024} KiB") { Hint = "a values file holds NAME: VALUE pairs; keep large content in the appliance's templates" };

    private static InvalidInputException Invalid(string path, long line, long column, string what, string hint) =>
        new($"{path}:{line}:{column}: {what}") { Hint = hint };
}
