using System.Text;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

public static partial class KickstartParser
{
    /// <summary>Sections that run or configure the installer: refused, with what to do instead.</summary>
    private static readonly Dictionary<string, string> RefusedSections = new(StringComparer.Ordinal)
    {
        ["%pre"] = "move the script to %post: a build runs no installer, so nothing runs before the packages",
        ["%pre-install"] = "move the script to %post: a build runs no installer, so nothing runs before the packages",
        ["%onerror"] = "move it to %post, or use %post --erroronfail to fail the build when a script fails",
        ["%traceback"] = "move it to %post, or use %post --erroronfail to fail the build when a script fails",
        ["%addon"] = "remove it: an add-on configures the installer; move what the image needs to %post",
        ["%anaconda"] = "remove it: it configures the installer; move what the image needs to %post",
    };

    /// <summary>Lines that pull in other files: refused, a recipe's kickstart is one file.</summary>
    private static readonly string[] IncludeDirectives = ["%include", "%ksappend"];

    /// <summary>The headers that start a section with a body; one of them inside a section means a missing %end.</summary>
    private static readonly string[] SectionHeaders = ["%packages", "%post", .. RefusedSections.Keys];

    private static readonly KickstartOption[] PackagesOptions =
    [
        KickstartOption.Flag("--nocore"),
        KickstartOption.Flag("--excludedocs"),
        KickstartOption.Flag("--ignoremissing"),
        KickstartOption.Flag("--excludeWeakdeps"),
        KickstartOption.Flag("--exclude-weakdeps", "--excludeWeakdeps"),
        KickstartOption.Value("--instLangs"),
        KickstartOption.Value("--inst-langs", "--instLangs"),
        KickstartOption.Ignored("--default", false, "list the packages the image needs"),
        KickstartOption.Ignored("--nobase", false, "pykickstart removed it; the base system is what the build installs first"),
        KickstartOption.Ignored("--multilib", false, "the build installs packages of the appliance's architecture only"),
        KickstartOption.Ignored("--ignorebroken", false, "a broken package fails the build"),
        KickstartOption.Ignored("--retries", true, "the package manager's own retries apply"),
        KickstartOption.Ignored("--timeout", true, "the package manager's own timeout applies"),
    ];

    private static readonly KickstartOption[] PostOptions =
    [
        KickstartOption.Flag("--nochroot"),
        KickstartOption.Value("--interpreter"),
        KickstartOption.Flag("--erroronfail"),
        KickstartOption.Value("--log"),
        KickstartOption.Value("--logfile", "--log"),
    ];

    /// <summary>Reads the section that starts at <paramref name="index"/>; returns the index of the line after it.</summary>
    private static int ReadSection(string[] lines, int index, List<KickstartToken> tokens, ParseState state)
    {
        var context = state.Context;
        var header = tokens[0];
        switch (header.Text)
        {
            case "%packages":
            {
                var arguments = KickstartArguments.Parse(tokens, PackagesOptions, context);
                arguments.RejectPositionals();
                var (body, next) = ReadBody(lines, index, header, context);
                var packages = ReadPackages(body, arguments, context);
                if (state.First(header))
                    state.Packages = packages;
                return next;
            }
            case "%post":
            {
                var arguments = KickstartArguments.Parse(tokens, PostOptions, context);
                arguments.RejectPositionals();
                var (body, next) = ReadBody(lines, index, header, context);
                var interpreter = arguments.NonEmpty("--interpreter") ?? KickstartScript.DefaultInterpreter;
                if (!interpreter.StartsWith('/'))
                    context.Error(arguments.Token("--interpreter")!.Value, $"the interpreter '{interpreter}' is not an absolute path",
                        "write the interpreter's full path, e.g. --interpreter=/usr/bin/python3");
                var text = new StringBuilder();
                foreach (var (line, _) in body)
                    text.Append(line).Append('\n');
                state.PostScripts.Add(new KickstartScript(text.ToString(), interpreter, arguments.Has("--nochroot"),
                    arguments.Has("--erroronfail"), arguments.NonEmpty("--log"), context.At(header), header.Line + 1));
                return next;
            }
            case "%end":
                context.Error(header, "'%end' without a section to end", "remove it, or start the section (%post, %packages) above it");
                return index + 1;
        }

        if (IncludeDirectives.Contains(header.Text))
        {
            context.Error(header, $"'{header.Text}' is not supported: a recipe's kickstart is one file", "copy the included text into this file");
            return index + 1;
        }
        if (RefusedSections.TryGetValue(header.Text, out var hint))
        {
            context.Error(header, $"the section '{header.Text}' is not supported", hint);
            return ReadBody(lines, index, header, context).Next;
        }

        var suggestion = Spelling.Suggest(header.Text, [.. SectionHeaders, .. IncludeDirectives, "%end"]);
        context.Error(header, $"unknown kickstart section '{header.Text}'",
            suggestion is null ? "a recipe's kickstart has %packages and %post sections, each ending with %end" : $"did you mean '{suggestion}'?");
        return index + 1;
    }

    /// <summary>The lines after a section's header up to its %end (reported when missing), and the index to go on from.</summary>
    private static (List<(string Text, int Line)> Body, int Next) ReadBody(string[] lines, int index, KickstartToken header, KickstartContext context)
    {
        var body = new List<(string, int)>();
        for (var i = index + 1; i < lines.Length; i++)
        {
            var first = FirstWord(lines[i]);
            if (first == "%end")
                return (body, i + 1);
            if (SectionHeaders.Contains(first))
            {
                MissingEnd(header, context);
                return (body, i);
            }
            body.Add((lines[i], i + 1));
        }

        // A file's last line break leaves one empty "line" that is not part of the body.
        if (body.Count > 0 && body[^1].Item1.Length == 0 && lines.Length > 0 && lines[^1].Length == 0)
            body.RemoveAt(body.Count - 1);
        MissingEnd(header, context);
        return (body, lines.Length);
    }

    private static void MissingEnd(KickstartToken header, KickstartContext context) =>
        context.Error(header, $"the section '{header.Text}' has no %end", $"end the section that starts here with a line '%end'");

    private static string FirstWord(string line)
    {
        var trimmed = line.TrimStart();
        var end = 0;
        while (end < trimmed.Length && !char.IsWhiteSpace(trimmed[end]))
            end++;
        return trimmed[..end];
    }

    private static KickstartPackages ReadPackages(List<(string Text, int Line)> body, KickstartArguments arguments, KickstartContext context)
    {
        var names = new List<string>();
        var excluded = new List<string>();
        var groups = new List<string>();
        foreach (var (text, line) in body)
        {
            var start = 0;
            while (start < text.Length && char.IsWhiteSpace(text[start]))
                start++;
            if (start == text.Length || text[start] == '#')
                continue;
            var content = StripComment(text[start..]).TrimEnd();
            var column = start + 1;

            if (content.StartsWith("-@", StringComparison.Ordinal))
            {
                context.Error(line, column, $"excluding a group ('{content}') is not supported", "exclude the group's packages one by one with -NAME");
            }
            else if (content.StartsWith('@'))
            {
                var group = content[1..].Trim();
                if (GroupPattern().IsMatch(group))
                    groups.Add(group);
                else
                    context.Error(line, column, $"'{content}' is not a group name", "write @GROUP (or @^ENVIRONMENT) with letters, digits, spaces and . _ + - :");
            }
            else if (content.StartsWith('-'))
            {
                if (CheckPackage(content[1..], line, column + 1, context))
                    excluded.Add(content[1..]);
            }
            else if (CheckPackage(content, line, column, context))
            {
                names.Add(content);
            }
        }

        return new KickstartPackages
        {
            Names = names,
            Excluded = excluded,
            Groups = groups,
            NoCore = arguments.Has("--nocore"),
            ExcludeDocs = arguments.Has("--excludedocs"),
            IgnoreMissing = arguments.Has("--ignoremissing"),
            ExcludeWeakDeps = arguments.Has("--excludeWeakdeps"),
            InstLangs = arguments.Value("--instLangs"),
            Location = context.At(arguments.Command),
        };
    }

    private static bool CheckPackage(string name, int line, int column, KickstartContext context)
    {
        var space = name.IndexOfAny([' ', '\t']);
        if (space >= 0)
        {
            var next = space;
            while (char.IsWhiteSpace(name[next]))
                next++;
            context.Error(line, column + next, $"'{name}' has a space; a package name has none", "write one package a line");
            return false;
        }
        if (PackagePattern().IsMatch(name))
            return true;
        context.Error(line, column, $"'{name}' is not a package name",
            "a name starts with a letter or digit and has letters, digits and . _ + - : ~ = * ? /");
        return false;
    }

    /// <summary>A # after white space starts a comment, as in pykickstart's package lines.</summary>
    private static string StripComment(string text)
    {
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == '#' && char.IsWhiteSpace(text[i - 1]))
                return text[..i];
        }
        return text;
    }

    // Loose on purpose: names, globs (python3-*), architectures (.x86_64), versions (pkg=1.2, pkg-1.2) and Debian
    // releases (pkg/bookworm-backports); no white space, quotes or shell characters.
    [GeneratedRegex(@"^[A-Za-z0-9*?][A-Za-z0-9._+:~=*?/-]*\z")]
    private static partial Regex PackagePattern();

    [GeneratedRegex(@"^\^?[A-Za-z0-9][A-Za-z0-9 ._+:-]*\z")]
    private static partial Regex GroupPattern();
}
