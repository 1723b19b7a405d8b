using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>One <c>%post</c> section.</summary>
/// <param name="Body">The lines between the header and <c>%end</c>, each ending with a newline, verbatim.</param>
/// <param name="Interpreter"><c>--interpreter=</c>, an absolute path; <c>/bin/sh</c> when not given.</param>
/// <param name="NoChroot"><c>--nochroot</c>: runs on the build host, not inside the new root.</param>
/// <param name="ErrorOnFail"><c>--erroronfail</c>: a failing script fails the build.</param>
/// <param name="LogFile"><c>--log=</c> (alias <c>--logfile</c>): where the script's output is written.</param>
/// <param name="Location">The <c>%post</c> line.</param>
/// <param name="BodyStartLine">The line number of the body's first line (the line after <c>%post</c>).</param>
public sealed record KickstartScript(
    string Body,
    string Interpreter,
    bool NoChroot,
    bool ErrorOnFail,
    string? LogFile,
    SourceLocation Location,
    int BodyStartLine)
{
    public const string DefaultInterpreter = "/bin/sh";
}
