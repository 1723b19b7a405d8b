using System.Xml;
using System.Xml.Linq;

namespace VirtAppliance.Core.Descriptors;

/// <summary>XML loading for untrusted input: no DTDs, no external resolution, bounded size.</summary>
internal static class SafeXml
{
    public static XmlReaderSettings Settings(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    public static XDocument Load(Stream stream, long maxCharacters)
    {
        using var reader = XmlReader.Create(stream, Settings(maxCharacters));
        return XDocument.Load(reader, LoadOptions.SetLineInfo | LoadOptions.PreserveWhitespace);
    }
}
