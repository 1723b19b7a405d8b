using System.Globalization;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// The options and positional arguments of one command or section line, parsed as pykickstart's argparse
/// does (<c>--opt=value</c> or <c>--opt value</c>, flags without a value, the last of a repeated option wins).
/// Unknown, ignored and refused options are reported while parsing.
/// </summary>
internal sealed class KickstartArguments
{
    private readonly Dictionary<string, KickstartToken> _options = new(StringComparer.Ordinal);
    private readonly KickstartContext _context;

    private KickstartArguments(KickstartToken command, KickstartContext context)
    {
        Command = command;
        _context = context;
    }

    /// <summary>The command (or section header) the arguments belong to.</summary>
    public KickstartToken Command { get; }

    /// <summary>The words that are not options, in order.</summary>
    public List<KickstartToken> Positionals { get; } = [];

    public static KickstartArguments Parse(IReadOnlyList<KickstartToken> tokens, IReadOnlyList<KickstartOption> known, KickstartContext context)
    {
        var arguments = new KickstartArguments(tokens[0], context);
        var command = tokens[0].Text;
        for (var i = 1; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Text.Length < 2 || token.Text[0] != '-')
            {
                arguments.Positionals.Add(token);
                continue;
            }

            var equals = token.Text.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? token.Text : token.Text[..equals];
            var option = known.FirstOrDefault(candidate => candidate.Name == name);
            if (option is null)
            {
                var suggestion = Spelling.Suggest(name, known.Select(candidate => candidate.Name));
                context.Error(token, $"unknown option '{name}' for '{command}'",
                    suggestion is null
                        ? $"'{command}' takes {string.Join(", ", known.Select(candidate => candidate.Name))}"
                        : $"did you mean '{suggestion}'?");
                continue;
            }

            KickstartToken value;
            if (!option.TakesValue)
            {
                if (equals >= 0)
                {
                    context.Error(token, $"'{name}' takes no value", $"write '{name}' alone");
                    continue;
                }
                value = token with { Text = "" };
            }
            else if (equals >= 0)
            {
                value = token with { Text = token.Text[(equals + 1)..] };
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].Text.StartsWith("--", StringComparison.Ordinal))
            {
                value = tokens[++i];
            }
            else
            {
                context.Error(token, $"'{name}' needs a value", $"write {name}=VALUE");
                continue;
            }

            switch (option.Use)
            {
                case KickstartOptionUse.Refused:
                    context.Error(token, $"'{command} {name}' is not supported", option.Hint);
                    break;
                case KickstartOptionUse.Ignored:
                    context.Warning(token, $"ignored: '{command} {name}'", option.Hint);
                    break;
                default:
                    arguments._options[option.Key] = value;
                    break;
            }
        }
        return arguments;
    }

    public bool Has(string option) => _options.ContainsKey(option);

    /// <summary>The option's value (at the place it was written), or null when it was not given.</summary>
    public KickstartToken? Token(string option) => _options.TryGetValue(option, out var token) ? token : null;

    public string? Value(string option) => _options.TryGetValue(option, out var token) ? token.Text : null;

    /// <summary>A value that must not be empty; reports an empty one and returns null for it.</summary>
    public string? NonEmpty(string option)
    {
        if (Token(option) is not { } token)
            return null;
        if (token.Text.Trim().Length > 0)
            return token.Text;
        _context.Error(token, $"'{option}' is empty", $"give {option} a value");
        return null;
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>, or null (reported when malformed).</summary>
    public long? Integer(string option, long minimum, long maximum, string unit)
    {
        if (Token(option) is not { } token)
            return null;
        if (!long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            _context.Error(token, $"{option} '{token.Text}' is not a whole number", $"write {unit} as digits only, e.g. {option}={Math.Max(minimum, 1)}");
            return null;
        }
        if (number < minimum || number > maximum)
        {
            _context.Error(token, $"{option} {number} is out of range", $"use {minimum} to {maximum} {unit}");
            return null;
        }
        return number;
    }

    /// <summary>The single positional argument, reporting a missing one (with <paramref name="example"/>) and any extra.</summary>
    public KickstartToken? Single(string what, string example)
    {
        if (Positionals.Count == 0)
        {
            _context.Error(Command, $"'{Command.Text}' needs {what}", $"write e.g. '{example}'");
            return null;
        }
        RejectPositionals(1);
        return Positionals[0];
    }

    /// <summary>Reports every positional argument after the first <paramref name="allowed"/>.</summary>
    public void RejectPositionals(int allowed = 0)
    {
        foreach (var extra in Positionals.Skip(allowed))
            _context.Error(extra, $"unexpected argument '{extra.Text}' for '{Command.Text}'",
                "options start with --; quote a value that has spaces");
    }
}
