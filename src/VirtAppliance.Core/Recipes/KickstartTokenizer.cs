using System.Text;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Splits a kickstart line as pykickstart does (Python's shlex, POSIX mode, split on white space only):
/// single and double quotes, backslash escapes, and a <c>#</c> that starts a word starts a comment.
/// </summary>
internal static class KickstartTokenizer
{
    public static List<KickstartToken> Split(string line, int lineNumber, KickstartContext context)
    {
        var tokens = new List<KickstartToken>();
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i]))
            {
                i++;
                continue;
            }
            if (line[i] == '#')
                break;

            var start = i;
            var word = new StringBuilder();
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                var c = line[i];
                if (c is '\'' or '"')
                {
                    var close = ReadQuoted(line, i, word);
                    if (close < 0)
                    {
                        context.Error(lineNumber, i + 1, $"the quote {c} is never closed", $"close it with {c} on the same line");
                        return tokens;
                    }
                    i = close + 1;
                }
                else if (c == '\\' && i + 1 < line.Length)
                {
                    word.Append(line[i + 1]);
                    i += 2;
                }
                else
                {
                    word.Append(c);
                    i++;
                }
            }
            tokens.Add(new KickstartToken(word.ToString(), lineNumber, start + 1));
        }
        return tokens;
    }

    /// <summary>Appends the quoted text starting at <paramref name="open"/>; returns the closing quote's index, -1 when there is none.</summary>
    private static int ReadQuoted(string line, int open, StringBuilder word)
    {
        var quote = line[open];
        for (var i = open + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == quote)
                return i;
            // In double quotes a backslash escapes only \ " $ and `, as in the shell.
            if (quote == '"' && c == '\\' && i + 1 < line.Length && line[i + 1] is '\\' or '"' or '$' or '`')
            {
                word.Append(line[i + 1]);
                i++;
                continue;
            }
            word.Append(c);
        }
        return -1;
    }
}
