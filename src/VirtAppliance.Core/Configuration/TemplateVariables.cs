using Fluid;
using Fluid.Ast;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// Walks a parsed Liquid template and collects the names it reads from outside (<c>{{ mail_host }}</c>,
/// <c>{% if use_tls %}</c>, filter arguments, indexes) apart from the names it makes itself
/// (<c>assign</c>, <c>capture</c>, <c>for</c>, <c>increment</c>, <c>forloop</c>), and the tags that would reach
/// for other files (<c>include</c>, <c>render</c>).
/// </summary>
internal sealed class TemplateVariables : AstVisitor
{
    private readonly List<string> _read = [];
    private readonly HashSet<string> _made = new(StringComparer.Ordinal) { "forloop", "tablerowloop", "empty", "blank" };

    /// <summary>Names the template reads and does not make itself, first use first.</summary>
    public IReadOnlyList<string> Free => [.. _read.Where(name => !_made.Contains(name)).Distinct(StringComparer.Ordinal)];

    /// <summary>The tags found that include other templates.</summary>
    public List<string> Includes { get; } = [];

    public static TemplateVariables Of(IFluidTemplate template)
    {
        var variables = new TemplateVariables();
        variables.VisitTemplate(template);
        return variables;
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        if (memberExpression.Segments.Count > 0 && memberExpression.Segments[0] is IdentifierSegment root)
            _read.Add(root.Identifier);
        foreach (var segment in memberExpression.Segments.OfType<IndexerSegment>())
            Visit(segment.Expression);
        return base.VisitMemberExpression(memberExpression);
    }

    protected override Statement VisitAssignStatement(AssignStatement assignStatement)
    {
        _made.Add(assignStatement.Identifier);
        return base.VisitAssignStatement(assignStatement);
    }

    protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
    {
        _made.Add(captureStatement.Identifier);
        return base.VisitCaptureStatement(captureStatement);
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        _made.Add(forStatement.Identifier);
        return base.VisitForStatement(forStatement);
    }

    protected override Statement VisitIncrementStatement(IncrementStatement incrementStatement)
    {
        _made.Add(incrementStatement.Identifier);
        return base.VisitIncrementStatement(incrementStatement);
    }

    protected override Statement VisitDecrementStatement(DecrementStatement decrementStatement)
    {
        _made.Add(decrementStatement.Identifier);
        return base.VisitDecrementStatement(decrementStatement);
    }

    protected override Statement VisitIncludeStatement(IncludeStatement includeStatement)
    {
        Includes.Add("include");
        return base.VisitIncludeStatement(includeStatement);
    }

    protected override Statement VisitRenderStatement(RenderStatement renderStatement)
    {
        Includes.Add("render");
        return base.VisitRenderStatement(renderStatement);
    }
}
