using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// The effective site values of one instance: what the site gave, else each parameter's default,
/// all checked against the appliance's parameters. Immutable; <see cref="With"/> makes a changed copy.
/// A password's value is only ever returned by the indexer and <see cref="Secrets"/>, never in a message.
/// </summary>
public sealed class SiteValues
{
    /// <summary>What stands for a password's value in every message and description.</summary>
    public const string Mask = "********";

    private readonly Dictionary<string, SiteParameter> _byName;
    private readonly Dictionary<string, string> _given;
    private readonly Dictionary<string, string> _effective;

    private SiteValues(IReadOnlyList<SiteParameter> parameters, Dictionary<string, SiteParameter> byName, Dictionary<string, string> given)
    {
        Parameters = parameters;
        _byName = byName;
        _given = given;
        _effective = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (given.TryGetValue(parameter.Name, out var value) || (value = parameter.Default) is not null)
                _effective[parameter.Name] = value;
        }
    }

    /// <summary>The appliance's declared parameters, in their order.</summary>
    public IReadOnlyList<SiteParameter> Parameters { get; }

    /// <summary>The effective value: given, else the default; null when the parameter has neither or is not declared.</summary>
    public string? this[string name] => _effective.GetValueOrDefault(name);

    /// <summary>What the site set, without defaults (what to keep when the appliance is updated).</summary>
    public IReadOnlyDictionary<string, string> Given => Ordered(_given, _ => true);

    /// <summary>Every effective value that is not a password, in declaration order.</summary>
    public IReadOnlyDictionary<string, string> Public => Ordered(_effective, name => !IsSecret(name));

    /// <summary>Every effective password value, in declaration order.</summary>
    public IReadOnlyDictionary<string, string> Secrets => Ordered(_effective, IsSecret);

    /// <summary>
    /// Checks <paramref name="given"/> (and the values of a file, which <paramref name="given"/> overrides)
    /// against <paramref name="parameters"/> and returns the effective values.
    /// </summary>
    /// <exception cref="SiteValuesInvalidException">
    /// Every problem at once: names not declared (with a "did you mean"), values that break their type,
    /// required parameters without a value or default.
    /// </exception>
    public static SiteValues Resolve(
        IReadOnlyList<SiteParameter> parameters,
        IReadOnlyDictionary<string, string> given,
        IReadOnlyDictionary<string, ValueSource>? fromFile = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(given);
        var byName = new Dictionary<string, SiteParameter>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
            byName.TryAdd(parameter.Name, parameter);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new Dictionary<string, ValueSource>(StringComparer.Ordinal);
        foreach (var (name, source) in fromFile ?? new Dictionary<string, ValueSource>())
        {
            values[name] = source.Value;
            sources[name] = source;
        }
        foreach (var (name, value) in given)
        {
            values[name] = value;
            sources.Remove(name);
        }

        var problems = new List<SiteValueProblem>();
        foreach (var name in values.Keys.Where(name => !byName.ContainsKey(name)))
            problems.Add(Unknown(name, Prefix(sources, name), parameters));
        foreach (var parameter in parameters)
        {
            if (values.TryGetValue(parameter.Name, out var value))
            {
                if (parameter.Required && value.Length == 0)
                    problems.Add(new(parameter.Name, $"{Prefix(sources, parameter.Name)}parameter '{parameter.Name}' is required and was set to nothing", ToSet(parameter)));
                else if (ParameterValues.Check(parameter, value) is { } wrong)
                    problems.Add(new(parameter.Name, $"{Prefix(sources, parameter.Name)}parameter '{parameter.Name}' ({Spell(parameter.Type)}): {Hide(parameter, wrong, value)}", RuleHint(parameter)));
            }
            else if (parameter.Required && parameter.Default is null)
            {
                problems.Add(new(parameter.Name, $"parameter '{parameter.Name}' is required and has no value", ToSet(parameter)));
            }
        }
        if (problems.Count > 0)
            throw new SiteValuesInvalidException(problems);
        return new SiteValues(parameters, byName, values);
    }

    /// <summary>True when the parameter's effective value is its default (the site did not set it).</summary>
    public bool IsDefault(string name) => !_given.ContainsKey(name) && _byName.GetValueOrDefault(name)?.Default is not null;

    /// <summary>True for a password parameter: its value goes only onto the config disk's secrets, never into a message.</summary>
    public bool IsSecret(string name) => _byName.GetValueOrDefault(name)?.Type == ParameterType.Password;

    /// <summary>
    /// A copy with <paramref name="set"/> given and the names in <paramref name="unset"/> back to their defaults,
    /// checked again as <see cref="Resolve"/> does.
    /// </summary>
    /// <exception cref="SiteValuesInvalidException">The result does not fit the parameters (an unset name that is not declared too).</exception>
    public SiteValues With(IReadOnlyDictionary<string, string> set, IEnumerable<string> unset)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(unset);
        var unknown = unset.Where(name => !_byName.ContainsKey(name)).Distinct().ToList();
        if (unknown.Count > 0)
            throw new SiteValuesInvalidException([.. unknown.Select(name => Unknown(name, "", Parameters))]);
        var given = new Dictionary<string, string>(_given, StringComparer.Ordinal);
        foreach (var name in unset)
            given.Remove(name);
        foreach (var (name, value) in set)
            given[name] = value;
        return Resolve(Parameters, given);
    }

    /// <summary>
    /// One line for people: <c>name = value</c>, <c>(default)</c> when it is the default,
    /// <c>********</c> for a password, <c>(not set)</c> without a value.
    /// </summary>
    public string Describe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_byName.ContainsKey(name))
            return $"{name}: not a parameter of this appliance";
        if (!_effective.TryGetValue(name, out var value))
            return $"{name} (not set)";
        var shown = IsSecret(name) ? Mask : value;
        return IsDefault(name) ? $"{name} = {shown} (default)" : $"{name} = {shown}";
    }

    /// <summary>The names only: the values may be passwords.</summary>
    public override string ToString() => $"site values for {string.Join(", ", _effective.Keys)}";

    /// <summary>The entries of <paramref name="source"/> that <paramref name="keep"/> accepts, in declaration order.</summary>
    private Dictionary<string, string> Ordered(Dictionary<string, string> source, Func<string, bool> keep)
    {
        var ordered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            if (keep(parameter.Name) && source.TryGetValue(parameter.Name, out var value))
                ordered.TryAdd(parameter.Name, value);
        }
        return ordered;
    }

    private static SiteValueProblem Unknown(string name, string prefix, IReadOnlyList<SiteParameter> parameters)
    {
        var suggestion = Spelling.Suggest(name, parameters.Select(parameter => parameter.Name));
        var hint = suggestion is not null ? $"did you mean '{suggestion}'?"
            : parameters.Count == 0 ? "this appliance declares no parameters"
            : $"this appliance's parameters: {string.Join(", ", parameters.Select(parameter => parameter.Name))}";
        return new(name, $"{prefix}'{name}' is not a parameter of this appliance", hint);
    }

    private static string Prefix(Dictionary<string, ValueSource> sources, string name) =>
        sources.TryGetValue(name, out var source) ? source.Location + ": " : "";

    /// <summary>The type check's message, with a password's value masked (a password has no rule today; this keeps it so).</summary>
    private static string Hide(SiteParameter parameter, string message, string value) =>
        parameter.Type == ParameterType.Password && value.Length > 0 ? message.Replace(value, Mask, StringComparison.Ordinal) : message;

    private static string ToSet(SiteParameter parameter) =>
        $"set it with --set {parameter.Name}=VALUE or in a --values file";

    private static string RuleHint(SiteParameter parameter) => parameter.Type switch
    {
        ParameterType.Int => parameter.Minimum is not null || parameter.Maximum is not null
            ? $"give a whole number from {parameter.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"} to {parameter.Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}"
            : "give a whole number, e.g. 10",
        ParameterType.Port => "give a TCP/UDP port number from 1 to 65535",
        ParameterType.Bool => "give true or false",
        ParameterType.Host => "give a host name such as mail.example.com or an IP address",
        ParameterType.Email => "give an e-mail address such as admin@example.com",
        ParameterType.Enum => $"give one of: {string.Join(", ", parameter.Choices)}",
        _ => $"give a valid {Spell(parameter.Type)}",
    };

    private static string Spell(ParameterType type) => type.ToString().ToLowerInvariant();
}
