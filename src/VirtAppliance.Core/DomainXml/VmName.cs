using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The one rule for a VM (libvirt domain) name, used by deploy and by domain XML generation: the
/// name also becomes a folder under the store and a file name (console log, overlays), so it is
/// narrower than what libvirt itself accepts.
/// </summary>
public static partial class VmName
{
    /// <summary>What a valid name looks like, for error hints and help texts.</summary>
    public const string Hint = "use up to 60 letters, digits, '.', '_' and '-', starting with a letter or digit";

    /// <summary>True when <paramref name="name"/> is a valid VM name.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The message for a name that is not valid.</summary>
    public static string Problem(string? name) => $"'{name}' is not a valid VM name";

    /// <exception cref="InvalidInputException">The name is not valid; the exception carries <see cref="Hint"/>.</exception>
    public static void Check(string? name)
    {
        if (!IsValid(name))
        {
            throw new InvalidInputException(Problem(name)) { Hint = Hint };
        }
    }

    // The 60 here and in Hint are the same limit. \z, not $: $ would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}\z")]
    private static partial Regex Pattern();
}
