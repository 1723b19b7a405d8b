using System.Globalization;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// The appliance's config templates (<c>&lt;config&gt;&lt;template&gt;</c>), written in Liquid (Fluid):
/// checked against the declared parameters, and rendered from site values. Values reach a template
/// as strings, except <c>bool</c> parameters (real booleans, so <c>{% if use_tls %}</c> works) and
/// <c>int</c>/<c>port</c> parameters (numbers, for comparisons and arithmetic). Nothing is HTML-encoded.
/// </summary>
public static partial class ConfigTemplates
{
    /// <summary>The largest template read.</summary>
    public const long MaxTemplateBytes = 1024 * 1024;

    /// <summary>How many statements one render may run (a runaway loop stops instead of hanging a deploy).</summary>
    private const int MaxSteps = 1_000_000;

    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Options = new()
    {
        CultureInfo = CultureInfo.InvariantCulture,
        MaxSteps = MaxSteps,
    };

    /// <summary>
    /// Checks every template of the descriptor: its source file exists inside the appliance folder,
    /// parses as Liquid, names only declared parameters and includes no other file.
    /// </summary>
    /// <returns>Every problem found (errors), empty when all is well.</returns>
    public static IReadOnlyList<DescriptorProblem> Check(ApplianceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var problems = new List<DescriptorProblem>();
        var declared = descriptor.Parameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var template in descriptor.Templates)
        {
            var loaded = Load(descriptor, template);
            if (loaded.Problem is { } problem)
            {
                problems.Add(problem);
                continue;
            }
            var variables = TemplateVariables.Of(loaded.Template!);
            foreach (var tag in variables.Includes.Distinct())
            {
                problems.Add(new(Severity.Error, Find(loaded, tag) ?? template.Location,
                    $"template '{template.Source}' uses {{% {tag} %}}, which config templates do not support",
                    "put everything the file needs into this one template"));
            }
            foreach (var name in variables.Free.Where(name => !declared.Contains(name)))
            {
                var suggestion = Spelling.Suggest(name, declared);
                problems.Add(new(Severity.Error, Find(loaded, name) ?? template.Location,
                    $"template '{template.Source}' uses '{name}', which is not a declared parameter",
                    suggestion is not null ? $"did you mean '{suggestion}'?" : $"declare <parameter name=\"{name}\" …> in <parameters>, or fix the name"));
            }
        }
        return problems;
    }

    /// <summary>Renders every template of the descriptor with the effective site values, in descriptor order.</summary>
    /// <remarks>A template that uses a password renders it like any value: the result goes onto the config disk only.</remarks>
    /// <exception cref="InvalidInputException">A template is missing, outside the appliance folder or not valid Liquid (run <see cref="Check"/> first).</exception>
    public static async Task<IReadOnlyList<RenderedFile>> RenderAsync(ApplianceDescriptor descriptor, SiteValues values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(values);
        var rendered = new List<RenderedFile>();
        foreach (var template in descriptor.Templates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var loaded = await Task.Run(() => Load(descriptor, template), cancellationToken).ConfigureAwait(false);
            if (loaded.Problem is { } problem)
                throw new InvalidInputException($"{problem.Location}: {problem.Message}") { Hint = problem.Hint };
            var context = new TemplateContext(Options);
            foreach (var parameter in values.Parameters)
            {
                if (values[parameter.Name] is { } value)
                    context.SetValue(parameter.Name, ToFluid(parameter.Type, value));
            }
            string content;
            try
            {
                content = await loaded.Template!.RenderAsync(context, NullEncoder.Default).ConfigureAwait(false);
            }
            catch (Exception error) when (error is FluidException or InvalidOperationException)
            {
                throw new InvalidInputException($"{loaded.Path}: rendering template '{template.Source}' failed: {error.Message}", error)
                {
                    Hint = "fix the template; virt-appliance validate checks templates before deploy",
                };
            }
            rendered.Add(new RenderedFile(template.GuestPath, content, NormalizeMode(template.Mode)));
        }
        return rendered;
    }

    /// <summary>A mode as written in the descriptor (<c>644</c>, <c>0640</c>) as four octal digits; <c>0644</c> when absent.</summary>
    public static string NormalizeMode(string? mode) =>
        mode is null ? RenderedFile.DefaultMode : mode.Length < 4 ? mode.PadLeft(4, '0') : mode;

    private static FluidValue ToFluid(ParameterType type, string value) => type switch
    {
        ParameterType.Bool => BooleanValue.Create(value == "true"),
        ParameterType.Int or ParameterType.Port when decimal.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) =>
            NumberValue.Create(number),
        _ => new StringValue(value),
    };

    private static LoadedTemplate Load(ApplianceDescriptor descriptor, ConfigTemplate template)
    {
        var path = descriptor.ResolvePath(template.Source);
        if (descriptor.BaseDirectory is { } folder && !IsInside(path, folder))
            return Failed(template.Location, $"template '{template.Source}' is outside the appliance folder", "keep templates inside the appliance folder (no absolute paths, no '..')");
        var file = new FileInfo(path);
        if (!file.Exists)
            return Failed(template.Location, $"template file '{template.Source}' does not exist (looked for {path})", "put the template next to the descriptor, or fix source=");
        if (file.Length > MaxTemplateBytes)
            return Failed(template.Location, $"template file '{template.Source}' is larger than {MaxTemplateBytes / 1024} KiB", "a config template is a text file; keep it small");
        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return Failed(template.Location, $"template file '{template.Source}' cannot be read: {error.Message}", "check the file's permissions");
        }
        if (!Parser.TryParse(source, out var parsed, out var message))
        {
            var (reason, line, column) = SplitParseError(message);
            var at = line > 0 ? new SourceLocation(path, line, column) : template.Location;
            return Failed(at, $"template '{template.Source}' is not valid Liquid: {reason}", "fix the template's {{ }} and {% %} tags");
        }
        return new LoadedTemplate(path, source, parsed, null);

        LoadedTemplate Failed(SourceLocation at, string what, string hint) =>
            new(path, "", null, new DescriptorProblem(Severity.Error, at, what, hint));
    }

    private static bool IsInside(string path, string folder)
    {
        var root = Path.GetFullPath(folder);
        var relative = Path.GetRelativePath(root, Path.GetFullPath(path));
        return relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    /// <summary>Fluid says "reason at (line:column)" followed by the source line; keeps the reason and the position.</summary>
    private static (string Reason, int Line, int Column) SplitParseError(string message)
    {
        var first = message.Split('\n')[0].Trim();
        var match = ParsePosition().Match(first);
        if (!match.Success)
            return (first, 0, 0);
        return (first[..match.Index].Trim(),
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Where in the template a name (or tag) is first used inside a tag, for the message; null when not found.</summary>
    private static SourceLocation? Find(LoadedTemplate loaded, string name)
    {
        var word = new Regex($@"(?<![A-Za-z0-9_.]){Regex.Escape(name)}(?![A-Za-z0-9_])", RegexOptions.None, TimeSpan.FromSeconds(1));
        foreach (Match tag in Tags().Matches(loaded.Source))
        {
            var use = word.Match(tag.Value);
            if (!use.Success)
                continue;
            var offset = tag.Index + use.Index;
            var line = 1 + loaded.Source.AsSpan(0, offset).Count('\n');
            var column = offset - (loaded.Source.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1) + 1;
            return new SourceLocation(loaded.Path, line, column);
        }
        return null;
    }

    [GeneratedRegex(@"at \((\d+):(\d+)\)\s*$")]
    private static partial Regex ParsePosition();

    [GeneratedRegex(@"\{\{.*?\}\}|\{%.*?%\}", RegexOptions.Singleline)]
    private static partial Regex Tags();

    private sealed record LoadedTemplate(string Path, string Source, IFluidTemplate? Template, DescriptorProblem? Problem);
}
