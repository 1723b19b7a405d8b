using System.Text.RegularExpressions;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.DomainXml;

/// <summary>The one rule for VM names: a libvirt domain name that is also a folder and file name in the store.</summary>
public static partial class VmName
{
    public const string Rule = "use up to 60 letters, digits, '.', '_' and '-', starting with a letter or digit";

    public static bool IsValid(string name) => name is not null && Pattern().IsMatch(name);

    /// <exception cref="InvalidInputException">The name breaks the rule.</exception>
    public static void Require(string name)
    {
        if (!IsValid(name))
            throw new InvalidInputException($"'{name}' is not a valid VM name") { Hint = Rule };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")]
    private static partial Regex Pattern();
}
