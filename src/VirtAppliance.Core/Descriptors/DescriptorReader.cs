using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// Reads <c>appliance.xml</c> (and every virt-image descriptor) into an <see cref="ApplianceDescriptor"/>,
/// collecting every problem with its line and column instead of stopping at the first.
/// </summary>
public static partial class DescriptorReader
{
    /// <summary>Descriptors are metadata; anything larger is not one.</summary>
    public const long MaxDescriptorBytes = 1024 * 1024;

    public static DescriptorReadResult ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    public static DescriptorReadResult Read(Stream stream, string sourceName, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var context = new ReadContext(sourceName);
        if (stream.CanSeek && stream.Length - stream.Position > MaxDescriptorBytes)
            return context.Fail(0, 0, $"the file is {stream.Length - stream.Position} bytes; a descriptor may have at most {MaxDescriptorBytes}",
                "is this really an appliance.xml? disk images belong next to it, not inside");
        if (stream.CanSeek && stream.Length == stream.Position)
            return context.Fail(0, 0, "the file is empty", "write an <image> descriptor by hand, as docs/descriptor.md describes");

        XDocument document;
        try
        {
            document = SafeXml.Load(stream, MaxDescriptorBytes);
        }
        catch (XmlException error) when (error.Message.Contains("DTD", StringComparison.Ordinal))
        {
            return context.Fail(error.LineNumber, error.LinePosition, "a DOCTYPE (DTD) is not allowed in a descriptor",
                "remove the <!DOCTYPE …> declaration and any entities");
        }
        catch (XmlException error)
        {
            return context.Fail(error.LineNumber, error.LinePosition, "not well-formed XML: " + StripPosition(error.Message),
                "fix the XML syntax at that place");
        }

        var root = document.Root!;
        if (root.Name != XName.Get("image"))
        {
            context.Error(root, $"the root element is <{root.Name.LocalName}>, a descriptor's root is <image>",
                "is this an appliance descriptor (appliance.xml)?");
            return new DescriptorReadResult(null, context.Problems);
        }

        var descriptor = ReadImage(root, context) with
        {
            BaseDirectory = baseDirectory,
            SourcePath = sourceName,
        };
        return new DescriptorReadResult(descriptor, context.Problems);
    }

    private static string StripPosition(string message)
    {
        var at = message.IndexOf(" Line ", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}
