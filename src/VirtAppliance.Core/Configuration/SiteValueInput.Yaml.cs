using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace VirtAppliance.Core.Configuration;

public static partial class SiteValueInput
{
    private const string YamlHint = "a values file is one YAML mapping of 'name: value' lines, values strings, numbers or true/false";

    private static Dictionary<string, ValueSource> ReadYaml(string path, string text)
    {
        var values = new Dictionary<string, ValueSource>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        try
        {
            Expect<StreamStart>();
            if (Next() is StreamEnd)
                return values;
            var document = parser.Current!;
            if (document is not DocumentStart)
                throw InvalidAt(document, "expected a YAML document");
            var root = Next();
            if (root is Scalar { Style: ScalarStyle.Plain } empty && IsNull(empty.Value))
            {
                // An empty document ("---" alone or only comments) sets nothing.
            }
            else if (root is MappingStart)
            {
                while (Next() is not MappingEnd)
                    ReadPair(parser.Current!);
            }
            else
            {
                throw InvalidAt(root, "expected a mapping of name: value pairs");
            }
            Expect<DocumentEnd>();
            if (Next() is not StreamEnd)
                throw InvalidAt(parser.Current!, "only one YAML document is allowed");
        }
        catch (YamlException error)
        {
            throw Invalid(path, error.Start.Line, error.Start.Column, error.Message.TrimEnd('.'), YamlHint);
        }
        return values;

        ParsingEvent Next() =>
            parser.MoveNext() ? parser.Current! : throw Invalid(path, 1, 1, "unexpected end of the file", YamlHint);

        void Expect<T>() where T : ParsingEvent
        {
            if (Next() is not T)
                throw InvalidAt(parser.Current!, "unexpected content");
        }

        void ReadPair(ParsingEvent key)
        {
            if (key is not Scalar { Value: var name } || name.Length == 0)
                throw InvalidAt(key, "a key must be a parameter name");
            if (values.ContainsKey(name))
                throw InvalidAt(key, $"'{name}' appears more than once", "give each name once");
            var value = Next();
            var text = value switch
            {
                Scalar { Style: ScalarStyle.Plain, Value: var plain } when IsNull(plain) =>
                    throw InvalidAt(value, $"'{name}' has no value", "give it a value or leave the name out to use its default"),
                Scalar { Style: ScalarStyle.Plain, Value: var plain } when plain.Equals("true", StringComparison.OrdinalIgnoreCase) => "true",
                Scalar { Style: ScalarStyle.Plain, Value: var plain } when plain.Equals("false", StringComparison.OrdinalIgnoreCase) => "false",
                Scalar scalar => scalar.Value,
                SequenceStart => throw InvalidAt(value, $"'{name}' is a nested list, not a single value"),
                MappingStart => throw InvalidAt(value, $"'{name}' is a nested mapping, not a single value"),
                AnchorAlias => throw InvalidAt(value, $"'{name}' is an alias; write the value itself"),
                _ => throw InvalidAt(value, $"'{name}' has no single value"),
            };
            values.Add(name, new ValueSource(text, path, (int)value.Start.Line, (int)value.Start.Column));
        }

        Errors.InvalidInputException InvalidAt(ParsingEvent at, string what, string hint = YamlHint) =>
            Invalid(path, at.Start.Line, at.Start.Column, what, hint);
    }

    private static bool IsNull(string plain) => plain is "" or "~" or "null" or "Null" or "NULL";
}
