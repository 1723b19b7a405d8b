using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Cli.Rendering;

/// <summary>Where a command writes: human text through Spectre.Console, JSON for machines, errors to stderr.</summary>
internal sealed class Output
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // ' < > & as themselves (still valid JSON): the output is read by people and programs, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

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
        var hint = (error as VirtApplianceException)?.Hint;
        var problems = error switch
        {
            DescriptorInvalidException invalid => invalid.Problems.Select(ProblemJson.From).ToList(),
            RecipeInvalidException invalid => invalid.Problems.Select(ProblemJson.From).ToList(),
            _ => [],
        };
        var details = (error as RecipeBuildException)?.Details ?? [];
        if (json)
        {
            var body = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["exit_code"] = exitCode,
                    ["kind"] = ErrorKind(exitCode),
                    ["message"] = error.Message,
                    ["hint"] = hint,
                    ["problems"] = JsonSerializer.SerializeToNode(problems, JsonOptions),
                    ["details"] = JsonSerializer.SerializeToNode(details, JsonOptions),
                    ["failed_step"] = OperationFailure.FailedStep(error),
                    ["failed_undo"] = JsonSerializer.SerializeToNode(OperationFailure.FailedUndos(error), JsonOptions),
                },
            };
            Out.WriteLine(body.ToJsonString(JsonOptions));
        }
        foreach (var problem in problems)
            ErrorWriter.WriteLine($"{Located(problem.File, problem.Line, problem.Column)}: {problem.Severity}: {problem.Message}" + (problem.Hint is null ? "" : $" ({problem.Hint})"));
        ErrorWriter.WriteLine($"virt-appliance: error: {error.Message}");
        foreach (var detail in details)
            ErrorWriter.WriteLine($"  {detail}");
        if (OperationFailure.FailedStep(error) is { } step)
            ErrorWriter.WriteLine($"  failed at: {step}");
        foreach (var undo in OperationFailure.FailedUndos(error))
            ErrorWriter.WriteLine($"  NOT UNDONE: {undo}");
        if (hint is not null)
            ErrorWriter.WriteLine($"  what to do: {hint}");
        if (debug)
            ErrorWriter.WriteLine(error.ToString());
    }

    private static string Located(string file, int line, int column) => line > 0 ? $"{file}:{line}:{column}" : file;

    private static string ErrorKind(int exitCode) => exitCode switch
    {
        ExitCodes.Usage => "usage",
        ExitCodes.InvalidInput => "invalid_input",
        ExitCodes.HostMismatch => "host_mismatch",
        ExitCodes.Integrity => "integrity",
        ExitCodes.Hypervisor => "hypervisor",
        ExitCodes.NotFound => "not_found",
        ExitCodes.Conflict => "conflict",
        _ => "unexpected",
    };
}
