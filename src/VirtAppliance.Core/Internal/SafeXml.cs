using System.Xml;
using System.Xml.Linq;

namespace VirtAppliance.Core.Internal;

/// <summary>
/// Loads XML that comes from outside (libvirt, files): no DTDs, no external resolution, a bounded
/// size, line numbers kept so that errors can say where.
/// </summary>
internal static class SafeXml
{
    /// <summary>Capabilities of large hosts are some 100 KB; anything near this bound is not libvirt's.</summary>
    public const int MaxCharacters = 8 * 1024 * 1024;

    public static XmlReaderSettings ReaderSettings => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    /// <summary>Parses a whole document; malformed or oversized input throws <see cref="InvalidDataException"/>.</summary>
    public static XDocument Parse(string xml, string what)
    {
        ArgumentNullException.ThrowIfNull(xml);
        if (xml.Length > MaxCharacters)
        {
            throw new InvalidDataException($"{what} is {xml.Length} characters long; at most {MaxCharacters} are accepted.");
        }

        try
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, ReaderSettings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException error)
        {
            throw new InvalidDataException($"{what} is not well-formed XML (line {error.LineNumber}, column {error.LinePosition}): {error.Message}", error);
        }
    }

    /// <summary>"line L, column C" of a node, or an empty string when the node has no position.</summary>
    /// <summary>Loads an untrusted document from a stream; XmlException carries the line and column of a fault.</summary>
    public static XDocument Load(Stream stream, long maxCharacters)
    {
        var settings = ReaderSettings;
        settings.MaxCharactersInDocument = maxCharacters;
        using var reader = XmlReader.Create(stream, settings);
        return XDocument.Load(reader, LoadOptions.SetLineInfo);
    }

    public static string Where(XObject node) =>
        node is IXmlLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber}, column {info.LinePosition})" : string.Empty;
}
