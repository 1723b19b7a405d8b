using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Descriptors;

/// <summary>Collects problems while reading, with helpers that report instead of throwing.</summary>
internal sealed class ReadContext(string file)
{
    private readonly List<DescriptorProblem> _problems = [];

    public string File { get; } = file;

    public IReadOnlyList<DescriptorProblem> Problems => _problems;

    public SourceLocation At(XObject? node) =>
        node is IXmlLineInfo info && info.HasLineInfo() ? new(File, info.LineNumber, info.LinePosition) : new(File, 0, 0);

    public void Error(XObject? node, string message, string? hint = null) =>
        _problems.Add(new DescriptorProblem(Severity.Error, At(node), message, hint));

    public void Warning(XObject? node, string message, string? hint = null) =>
        _problems.Add(new DescriptorProblem(Severity.Warning, At(node), message, hint));

    public DescriptorReadResult Fail(int line, int column, string message, string hint)
    {
        _problems.Add(new DescriptorProblem(Severity.Error, new SourceLocation(File, line, column), message, hint));
        return new DescriptorReadResult(null, _problems);
    }

    /// <summary>
    /// Reports children that are not in <paramref name="known"/>: our own namespace is checked,
    /// other namespaces are extensions and returned to be kept verbatim.
    /// </summary>
    public List<XElement> CheckChildren(XElement parent, params string[] known)
    {
        var extensions = new List<XElement>();
        foreach (var child in parent.Elements())
        {
            if (child.Name.NamespaceName.Length > 0)
            {
                extensions.Add(new XElement(child));
                continue;
            }
            if (Array.IndexOf(known, child.Name.LocalName) >= 0)
                continue;
            var suggestion = Spelling.Suggest(child.Name.LocalName, known);
            Error(child, $"unknown element <{child.Name.LocalName}> in <{parent.Name.LocalName}>",
                suggestion is null
                    ? $"allowed here: {string.Join(", ", known.Select(name => "<" + name + ">"))}; extensions belong in their own XML namespace"
                    : $"did you mean <{suggestion}>?");
        }
        return extensions;
    }

    public XElement? Single(XElement parent, string name, bool required)
    {
        var matches = parent.Elements(name).ToList();
        if (matches.Count == 0 && required)
            Error(parent, $"<{parent.Name.LocalName}> has no <{name}>", $"add a <{name}> element to <{parent.Name.LocalName}>");
        for (var i = 1; i < matches.Count; i++)
            Error(matches[i], $"<{name}> appears more than once in <{parent.Name.LocalName}>", "keep only one");
        return matches.FirstOrDefault();
    }

    public static string? Text(XElement? element)
    {
        var text = element?.Value.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public string? RequiredText(XElement element)
    {
        var text = Text(element);
        if (text is null)
            Error(element, $"<{element.Name.LocalName}> is empty", $"write a value inside <{element.Name.LocalName}>");
        return text;
    }

    public static string? Attribute(XElement element, string name)
    {
        var value = element.Attribute(name)?.Value.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public T? Choice<T>(XObject node, string? value, IReadOnlyDictionary<string, T> choices, string what)
        where T : struct
    {
        if (value is null)
            return null;
        if (choices.TryGetValue(value, out var parsed))
            return parsed;
        Error(node, $"'{value}' is not a valid {what}", $"use one of: {string.Join(", ", choices.Keys)}");
        return null;
    }

    public long? Integer(XObject node, string? value, string what, long minimum, long maximum)
    {
        if (value is null)
            return null;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            Error(node, $"{what} '{value}' is not a whole number", "write digits only, e.g. 512");
            return null;
        }
        if (parsed < minimum || parsed > maximum)
        {
            Error(node, $"{what} {parsed} is out of range", $"use a value from {minimum} to {maximum}");
            return null;
        }
        return parsed;
    }

    public bool? Boolean(XObject node, string? value, string what)
    {
        switch (value)
        {
            case null: return null;
            case "true" or "yes" or "1" or "on": return true;
            case "false" or "no" or "0" or "off": return false;
            default:
                Error(node, $"{what} '{value}' is not a boolean", "use true or false");
                return null;
        }
    }
}
