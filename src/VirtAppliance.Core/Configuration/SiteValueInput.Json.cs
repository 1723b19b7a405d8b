using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VirtAppliance.Core.Configuration;

public static partial class SiteValueInput
{
    private const string JsonHint = "a values file is one JSON object of \"name\": value pairs, values strings, numbers or true/false";

    private static Dictionary<string, ValueSource> ReadJson(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineMap(bytes);
        var values = new Dictionary<string, ValueSource>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
                throw Invalid(path, 1, 1, "the file is empty", JsonHint);
            if (reader.TokenType != JsonTokenType.StartObject)
                throw At(ref reader, "expected a JSON object of name: value pairs");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var (nameLine, nameColumn) = lines.Locate(reader.TokenStartIndex);
                if (values.ContainsKey(name))
                    throw Invalid(path, nameLine, nameColumn, $"'{name}' appears more than once", "give each name once");
                reader.Read();
                var (line, column) = lines.Locate(reader.TokenStartIndex);
                var value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString()!,
                    JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                    JsonTokenType.True => "true",
                    JsonTokenType.False => "false",
                    JsonTokenType.Null => throw Invalid(path, line, column, $"'{name}' is null", "give it a value or leave the name out to use its default"),
                    _ => throw Invalid(path, line, column, $"'{name}' is a nested {(reader.TokenType == JsonTokenType.StartArray ? "list" : "object")}, not a single value", JsonHint),
                };
                values.Add(name, new ValueSource(value, path, line, column));
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw At(ref reader, "unexpected content in the object");
            if (reader.Read())
                throw At(ref reader, "unexpected content after the object");
        }
        catch (JsonException error)
        {
            throw Invalid(path, (error.LineNumber ?? 0) + 1, (error.BytePositionInLine ?? 0) + 1, JsonReason(error.Message), JsonHint);
        }
        return values;

        Errors.InvalidInputException At(ref Utf8JsonReader at, string what)
        {
            var (line, column) = lines.Locate(at.TokenStartIndex);
            return Invalid(path, line, column, what, JsonHint);
        }
    }

    /// <summary>The JSON reader's message without the position it appends (we print it first).</summary>
    private static string JsonReason(string message) => JsonPosition().Replace(message, "").Trim().TrimEnd('.');

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?")]
    private static partial Regex JsonPosition();

    /// <summary>Turns a byte offset of UTF-8 text into a 1-based line and column (in characters).</summary>
    private sealed class LineMap
    {
        private readonly byte[] _bytes;
        private readonly List<long> _starts = [0];

        public LineMap(byte[] bytes)
        {
            _bytes = bytes;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n')
                    _starts.Add(i + 1);
            }
        }

        public (int Line, int Column) Locate(long offset)
        {
            var index = _starts.BinarySearch(offset);
            var line = index >= 0 ? index : ~index - 1;
            var start = (int)_starts[line];
            return (line + 1, Encoding.UTF8.GetCharCount(_bytes, start, (int)offset - start) + 1);
        }
    }
}
