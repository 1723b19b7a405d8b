using System.Text.Json;
using Spectre.Console;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Rendering;

/// <summary>Where a command writes: human text through Spectre.Console, JSON for machines, errors to stderr.</summary>
internal sealed class Output
{
    public static JsonSerializerOptions JsonOptions => ApiJson.Options;

    private Output(TextWriter @out, TextWriter error, bool interactive, int width = 120)
    {
        Out = @out;
        ErrorWriter = error;
        IsInteractive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(@out),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
            Console.Profile.Width = width;
    }

    public TextWriter Out { get; }

    public TextWriter ErrorWriter { get; }

    /// <summary>True on a terminal: progress bars and colours; false when piped or captured.</summary>
    public bool IsInteractive { get; }

    public IAnsiConsole Console { get; }

    public static Output ForConsole() =>
        new(System.Console.Out, System.Console.Error, !System.Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"));

    /// <summary>Output to writers (tests, nested runs): no colours, tables laid out for <paramref name="width"/> columns.</summary>
    public static Output ForWriters(TextWriter @out, TextWriter error, int width = 120) => new(@out, error, interactive: false, width);

    public void Json<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public void Line(string text = "") => Out.WriteLine(text);

    public void Error(string text) => ErrorWriter.WriteLine(text);

    public void Problems(IEnumerable<DescriptorProblem> problems)
    {
        foreach (var problem in problems)
            ErrorWriter.WriteLine(problem.ToString());
    }

    public void Problems(IEnumerable<RecipeProblem> problems)
    {
        foreach (var problem in problems)
            ErrorWriter.WriteLine(problem.ToString());
    }

    public void Failure(Exception error, int exitCode, bool json, bool debug)
    {
        var body = ErrorJson.From(error, exitCode).Error;
        if (json)
            Json(new ErrorJson(body));
        foreach (var problem in body.Problems)
            ErrorWriter.WriteLine($"{Located(problem.File, problem.Line, problem.Column)}: {problem.Severity}: {problem.Message}" + (problem.Hint is null ? "" : $" ({problem.Hint})"));
        ErrorWriter.WriteLine($"virt-appliance: error: {error.Message}");
        foreach (var detail in body.Details)
            ErrorWriter.WriteLine($"  {detail}");
        if (body.FailedStep is { } step)
            ErrorWriter.WriteLine($"  failed at: {step}");
        foreach (var undo in body.FailedUndo)
            ErrorWriter.WriteLine($"  NOT UNDONE: {undo}");
        if (body.Hint is not null)
            ErrorWriter.WriteLine($"  what to do: {body.Hint}");
        if (debug)
            ErrorWriter.WriteLine(error.ToString());
    }

    private static string Located(string file, int line, int column) => line > 0 ? $"{file}:{line}:{column}" : file;
}
