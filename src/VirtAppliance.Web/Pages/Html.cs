using System.Text.Encodings.Web;

namespace VirtAppliance.Web.Pages;

/// <summary>The one way text reaches the page: HTML-encoded (names, messages, values all come from users or guests).</summary>
internal static class Html
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A path segment (VM names and appliance ids go into form actions and links).</summary>
    public static string U(string text) => Uri.EscapeDataString(text);

    /// <summary>An id attribute's value from arbitrary text: letters, digits and '-' only.</summary>
    public static string Id(string prefix, string text) =>
        prefix + "-" + string.Concat(text.Select(character => char.IsAsciiLetterOrDigit(character) ? character.ToString() : $"_{(int)character:x}"));
}
