using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>Packages broken in every way the reader must refuse, each with the exception it must throw.</summary>
internal static class BadPackages
{
    private static readonly Dictionary<string, (Func<List<TarItem>, List<TarItem>> Tamper, Type Expected)> Cases = new()
    {
        ["absolute path"] = (items => [.. items, new TarItem("/etc/passwd", [1])], typeof(InvalidInputException)),
        ["dot-dot path"] = (items => [.. items, new TarItem("disks/../../evil", [1])], typeof(InvalidInputException)),
        ["symbolic link"] = (items => Replace(items, "vmlinuz", new TarItem("vmlinuz", [], TarEntryType.SymbolicLink, "/etc/shadow")), typeof(InvalidInputException)),
        ["hard link"] = (items => Replace(items, "vmlinuz", new TarItem("vmlinuz", [], TarEntryType.HardLink, "appliance.xml")), typeof(InvalidInputException)),
        ["character device"] = (items => [.. items, new TarItem("null", [], TarEntryType.CharacterDevice)], typeof(InvalidInputException)),
        ["fifo"] = (items => [.. items, new TarItem("pipe", [], TarEntryType.Fifo)], typeof(InvalidInputException)),
        ["file not in manifest"] = (items => [.. items, new TarItem("extra.bin", [1, 2, 3])], typeof(IntegrityException)),
        ["file missing from package"] = (items => [.. items.Where(i => i.Name != "vmlinuz")], typeof(IntegrityException)),
        ["duplicate entry"] = (items => [.. items.Take(3), items[2], .. items.Skip(3)], typeof(IntegrityException)),
        ["payload byte flipped"] = (items => Flip(items, "vmlinuz", 5000), typeof(IntegrityException)),
        ["disk byte flipped"] = (items => Flip(items, "system.img.vasz", 200), typeof(IntegrityException)),
        ["descriptor byte flipped"] = (items => Flip(items, "appliance.xml", 10), typeof(IntegrityException)),
        ["stored size lies"] = (items => EditManifest(items, m => m["files"]![1]!["storedSize"] = (long)m["files"]![1]!["storedSize"]! + 1), typeof(IntegrityException)),
        ["identity size lies"] = (items => EditManifest(items, m => m["files"]![3]!["storedSize"] = (long)m["files"]![3]!["storedSize"]! + 1), typeof(InvalidInputException)),
        ["digest lies"] = (items => EditManifest(items, m => { m["files"]![3]!["storedDigest"] = new string('0', 64); m["files"]![3]!["contentDigest"] = new string('0', 64); }), typeof(IntegrityException)),
        ["disk digest lies"] = (items => EditManifest(items, m => m["files"]![1]!["storedDigest"] = new string('0', 64)), typeof(IntegrityException)),
        ["disk run table damaged"] = (items => Flip(items, "system.img.vasz", 16 + 8 + 3), typeof(IntegrityException)),
        ["manifest path absolute"] = (items => EditManifest(items, m => m["files"]![3]!["path"] = "/vmlinuz"), typeof(InvalidInputException)),
        ["manifest lists a file twice"] = (items => EditManifest(items, m => m["files"]!.AsArray().Add(m["files"]![3]!.DeepClone())), typeof(InvalidInputException)),
        ["manifest has too many files"] = (items => EditManifest(items, m => { for (var i = 0; i < 300; i++) { var f = m["files"]![3]!.DeepClone(); f["path"] = $"f{i}"; m["files"]!.AsArray().Add(f); } }), typeof(InvalidInputException)),
        ["manifest is not json"] = (items => Replace(items, "manifest.json", new TarItem("manifest.json", "{ nope"u8.ToArray())), typeof(InvalidInputException)),
        ["manifest is huge"] = (items => Replace(items, "manifest.json", new TarItem("manifest.json", new byte[2 << 20])), typeof(InvalidInputException)),
        ["descriptor too large"] = (items => Replace(items, "appliance.xml", new TarItem("appliance.xml", new byte[5 << 20])), typeof(InvalidInputException)),
        ["manifest missing"] = (items => [.. items.Where(i => i.Name != "manifest.json")], typeof(InvalidInputException)),
        ["descriptor not first"] = (items => [items[1], items[0], .. items.Skip(2)], typeof(InvalidInputException)),
        ["raw disk holding a qcow2 image"] = (items => EditManifest(items, m => m["files"]![2]!["format"] = "raw"), typeof(InvalidInputException)),
        ["qcow2 disk with a backing file"] = (WithBackingFile, typeof(InvalidInputException)),
        ["truncated package"] = (items => Truncate(items), typeof(IntegrityException)),
    };

    public static IEnumerable<string> Names => Cases.Keys;

    public static Type ExpectedException(string name) => Cases[name].Expected;

    /// <summary>Writes the broken variant of a good package.</summary>
    public static string Make(string goodPackage, string name, string outputPath)
    {
        var items = Cases[name].Tamper(TarEntries.Read(goodPackage));
        if (name == "truncated package")
        {
            TarEntries.Write(outputPath, items);
            using var stream = new FileStream(outputPath, FileMode.Open);
            stream.SetLength(stream.Length / 2);
        }
        else
        {
            TarEntries.Write(outputPath, items);
        }

        return outputPath;
    }

    private static List<TarItem> Truncate(List<TarItem> items) => items;

    private static List<TarItem> Replace(List<TarItem> items, string name, TarItem replacement) =>
        [.. items.Select(i => i.Name == name ? replacement : i)];

    private static List<TarItem> Flip(List<TarItem> items, string name, int offset)
    {
        var item = items.Single(i => i.Name == name);
        var data = (byte[])item.Data.Clone();
        data[offset] ^= 0x40;
        return Replace(items, name, item with { Data = data });
    }

    private static List<TarItem> EditManifest(List<TarItem> items, Action<JsonNode> edit)
    {
        var manifest = JsonNode.Parse(items.Single(i => i.Name == "manifest.json").Data)!;
        edit(manifest);
        return Replace(items, "manifest.json", new TarItem("manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString())));
    }

    /// <summary>Swaps the qcow2 data disk for one with a backing file, with a manifest that matches it.</summary>
    private static List<TarItem> WithBackingFile(List<TarItem> items)
    {
        using var folder = new TestFolder();
        var dir = folder["src"];
        Directory.CreateDirectory(Path.Combine(dir, "disks"));
        File.WriteAllBytes(Path.Combine(dir, "appliance.xml"), items[0].Data);
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["base.raw"], "16M");
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", folder["base.raw"], "-F", "raw", Path.Combine(dir, "disks", "data.qcow2"));

        // The writer refuses such a disk, so encode it through the internal encoder and build the manifest by hand.
        var package = folder["p.vapp"];
        var manifest = Core.Packaging.Manifest.Parse(items.Single(i => i.Name == "manifest.json").Data);
        using var handle = File.OpenHandle(Path.Combine(dir, "disks", "data.qcow2"));
        var length = RandomAccess.GetLength(handle);
        using var stored = new MemoryStream();
        using var encoder = new Core.Packaging.SparseZstdEncoder(3, 4 << 20, 1);
        var encoded = encoder.EncodeAsync(handle, length, stored, null, CancellationToken.None).GetAwaiter().GetResult();
        var storedBytes = stored.ToArray();
        var old = manifest.Files[2];
        var entry = old with
        {
            Size = length,
            StoredSize = storedBytes.Length,
            StoredDigest = Convert.ToHexStringLower(encoded.StoredDigest),
            ContentDigest = Convert.ToHexStringLower(encoded.ContentDigest),
        };
        var files = manifest.Files.Select(f => f == old ? entry : f).ToList();
        var newManifest = Core.Packaging.Manifest.Create(files);
        var result = Replace(items, "manifest.json", new TarItem("manifest.json", newManifest.Bytes));
        return Replace(result, old.EntryName, new TarItem(old.EntryName, storedBytes));
    }
}
