using System.Text.RegularExpressions;

namespace VirtAppliance.Core.Recipes;

public static partial class KickstartParser
{
    /// <summary>The name <c>url</c>'s repository gets.</summary>
    public const string BaseRepoName = "base";

    private const string OneUrl = "give --baseurl: the build fetches packages from one URL";
    private const string NotCarried = "the build does not carry this option out";

    private static readonly KickstartOption[] SharedRepoOptions =
    [
        // Our extension: a Debian repository is a URL, a suite and components.
        KickstartOption.Value("--suite"),
        KickstartOption.Value("--components"),
        KickstartOption.Refused("--mirrorlist", true, OneUrl),
        KickstartOption.Refused("--metalink", true, OneUrl),
        KickstartOption.Ignored("--proxy", true, "the build uses the host's proxy settings"),
        KickstartOption.Ignored("--noverifyssl", false, "the build always verifies TLS certificates"),
        KickstartOption.Ignored("--sslcacert", true, NotCarried),
        KickstartOption.Ignored("--sslclientcert", true, NotCarried),
        KickstartOption.Ignored("--sslclientkey", true, NotCarried),
    ];

    private static readonly KickstartOption[] RepoOptions =
    [
        KickstartOption.Value("--name"),
        KickstartOption.Value("--baseurl"),
        KickstartOption.Flag("--install"),
        KickstartOption.Value("--cost"),
        .. SharedRepoOptions,
        KickstartOption.Ignored("--excludepkgs", true, "leave the packages out of %packages, or exclude them there with -NAME"),
        KickstartOption.Ignored("--includepkgs", true, NotCarried),
        KickstartOption.Ignored("--ignoregroups", true, NotCarried),
    ];

    private static readonly KickstartOption[] UrlOptions = [KickstartOption.Value("--url"), .. SharedRepoOptions];

    private static void ReadRepo(List<KickstartToken> tokens, ParseState state)
    {
        var context = state.Context;
        var arguments = KickstartArguments.Parse(tokens, RepoOptions, context);
        arguments.RejectPositionals();
        var name = arguments.NonEmpty("--name");
        if (name is null && !arguments.Has("--name"))
            context.Error(arguments.Command, "'repo' has no --name", "write e.g. 'repo --name=security --baseurl=URL'");
        else if (name is not null && !RepoNamePattern().IsMatch(name))
            context.Error(arguments.Token("--name")!.Value, $"'{name}' is not a repository name", "use letters, digits and . _ - :");
        var cost = arguments.Integer("--cost", 0, int.MaxValue, "a cost");
        var url = RepoUrl(arguments, "--baseurl", "repo --name=NAME --baseurl=http://deb.debian.org/debian --suite=bookworm --components=main", context);
        var (suite, components) = Suite(arguments, context);
        if (name is null || url is null || !RepoNamePattern().IsMatch(name))
            return;
        AddRepo(state, arguments.Command, new KickstartRepo(name, url, suite, components, context.At(arguments.Command))
        {
            Install = arguments.Has("--install"),
            Cost = (int?)cost,
        });
    }

    private static void ReadUrl(List<KickstartToken> tokens, ParseState state)
    {
        var context = state.Context;
        var arguments = KickstartArguments.Parse(tokens, UrlOptions, context);
        arguments.RejectPositionals();
        var url = RepoUrl(arguments, "--url", "url --url=http://deb.debian.org/debian --suite=bookworm --components=main", context);
        var (suite, components) = Suite(arguments, context);
        if (url is not null && state.First(arguments.Command))
            AddRepo(state, arguments.Command, new KickstartRepo(BaseRepoName, url, suite, components, context.At(arguments.Command)));
    }

    private static void AddRepo(ParseState state, KickstartToken command, KickstartRepo repo)
    {
        var twin = state.Repos.FirstOrDefault(other => other.Name == repo.Name);
        if (twin is not null)
        {
            state.Context.Error(command, $"the repository name '{repo.Name}' is used twice; the first is on line {twin.Location.Line}",
                repo.Name == BaseRepoName ? "'base' is the name of the url line's repository; give this one another name" : "give each repository its own name");
            return;
        }
        state.Repos.Add(repo);
    }

    private static string? RepoUrl(KickstartArguments arguments, string option, string example, KickstartContext context)
    {
        if (arguments.Token(option) is not { } token)
        {
            if (!arguments.Has("--mirrorlist") && !arguments.Has("--metalink"))
                context.Error(arguments.Command, $"'{arguments.Command.Text}' has no {option}", $"write e.g. '{example}'");
            return null;
        }
        if (Uri.TryCreate(token.Text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ftp" or "file")
            return token.Text;
        context.Error(token, $"'{token.Text}' is not an http, https, ftp or file URL", $"write the repository's full URL, e.g. {option}=http://deb.debian.org/debian");
        return null;
    }

    /// <summary>Our extension for Debian: <c>--suite=bookworm --components=main,contrib</c>.</summary>
    private static (string? Suite, IReadOnlyList<string> Components) Suite(KickstartArguments arguments, KickstartContext context)
    {
        var suite = arguments.NonEmpty("--suite");
        if (suite is not null && !SuitePattern().IsMatch(suite))
        {
            context.Error(arguments.Token("--suite")!.Value, $"'{suite}' is not a suite name", "write a Debian suite or codename such as bookworm, bookworm-updates or stable");
            suite = null;
        }
        if (arguments.Token("--components") is not { } list)
            return (suite, []);
        if (!arguments.Has("--suite"))
            context.Error(list, "--components without --suite", "a Debian repository needs both, e.g. --suite=bookworm --components=main");
        var components = list.Text.Split([',', ' '], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (components.Length == 0)
            context.Error(list, "--components is empty", "write e.g. --components=main or --components=main,contrib,non-free-firmware");
        foreach (var component in components.Where(component => !ComponentPattern().IsMatch(component)))
            context.Error(list, $"'{component}' is not a component name", "write components separated by commas, e.g. main,contrib");
        return (suite, components);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]*\z")]
    private static partial Regex RepoNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*\z")]
    private static partial Regex SuitePattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\z")]
    private static partial Regex ComponentPattern();
}
