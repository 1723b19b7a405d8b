using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>Collects the problems of one kickstart file while it is parsed.</summary>
internal sealed class KickstartContext(string file)
{
    private readonly List<RecipeProblem> _problems = [];

    public string File { get; } = file;

    public IReadOnlyList<RecipeProblem> Problems => _problems;

    public SourceLocation At(int line, int column) => new(File, line, column);

    public SourceLocation At(KickstartToken token) => new(File, token.Line, token.Column);

    public void Error(int line, int column, string message, string? hint) =>
        _problems.Add(new RecipeProblem(Severity.Error, At(line, column), message, hint));

    public void Error(KickstartToken token, string message, string? hint) => Error(token.Line, token.Column, message, hint);

    public void Warning(KickstartToken token, string message, string? hint) =>
        _problems.Add(new RecipeProblem(Severity.Warning, At(token), message, hint));
}
