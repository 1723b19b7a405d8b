using System.Text;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Reads a recipe's kickstart (<c>*.ks</c>) into a <see cref="Kickstart"/>, with pykickstart's syntax, collecting
/// every problem with its line and column instead of stopping at the first. The build never runs an installer,
/// so installer-only commands are ignored with a warning and what a build cannot do is an error.
/// </summary>
public static partial class KickstartParser
{
    /// <summary>A kickstart is a page of text; anything larger is not one.</summary>
    public const long MaxKickstartBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the file (UTF-8) and parses it.</summary>
    /// <exception cref="NotFoundException">There is no such file.</exception>
    public static KickstartReadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new NotFoundException($"{path}: no such kickstart file") { Hint = "a recipe's folder holds appliance.xml, one *.ks file and puppet/" };
        var context = new KickstartContext(path);
        if (file.Length > MaxKickstartBytes)
            return TooLarge(context, file.Length);

        string text;
        try
        {
            text = StrictUtf8.GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException)
        {
            context.Error(0, 0, "the file is not UTF-8 text", "save the kickstart as UTF-8");
            return new KickstartReadResult(null, context.Problems);
        }
        return Parse(path, text);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> names the file in messages. Never throws for bad input.</summary>
    public static KickstartReadResult Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var context = new KickstartContext(path);
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxKickstartBytes)
            return TooLarge(context, bytes);

        var lines = text.TrimStart('\uFEFF').Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        var state = new ParseState(context);
        for (var index = 0; index < lines.Length;)
        {
            var tokens = KickstartTokenizer.Split(lines[index], index + 1, context);
            if (tokens.Count == 0)
            {
                index++;
                continue;
            }
            if (tokens[0].Text.StartsWith('%'))
            {
                index = ReadSection(lines, index, tokens, state);
                continue;
            }
            ReadCommand(tokens, state);
            index++;
        }

        state.Finish();
        return new KickstartReadResult(state.Build(path), context.Problems);
    }

    private static KickstartReadResult TooLarge(KickstartContext context, long bytes)
    {
        context.Error(0, 0, $"the file is {bytes} bytes; a kickstart may have at most {MaxKickstartBytes}",
            "is this really a kickstart? packages and files belong in repositories and puppet modules, not inside it");
        return new KickstartReadResult(null, context.Problems);
    }
}
