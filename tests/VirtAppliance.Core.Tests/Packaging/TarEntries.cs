using System.Formats.Tar;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>Reads and writes a package's entries, so tests can tamper with them.</summary>
internal static class TarEntries
{
    public static List<TarItem> Read(string path)
    {
        var items = new List<TarItem>();
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            items.Add(new TarItem(entry.Name, data.ToArray(), entry.EntryType, string.IsNullOrEmpty(entry.LinkName) ? null : entry.LinkName));
        }

        return items;
    }

    public static void Write(string path, IEnumerable<TarItem> items)
    {
        using var writer = new TarWriter(File.Create(path), TarEntryFormat.Pax);
        foreach (var item in items)
        {
            var entry = new PaxTarEntry(item.Type, item.Name);
            if (item.LinkName is not null)
                entry.LinkName = item.LinkName;
            if (item.Type == TarEntryType.RegularFile)
                entry.DataStream = new MemoryStream(item.Data);
            writer.WriteEntry(entry);
        }
    }
}
