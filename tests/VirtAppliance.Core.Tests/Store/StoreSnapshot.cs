using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;

namespace VirtAppliance.Core.Tests.Store;

/// <summary>What a user can observe of a store: its index and every file under appliances/ with mode and digest.</summary>
internal static class StoreSnapshot
{
    public static async Task<string> TakeAsync(string root)
    {
        var store = new ApplianceStore(root);
        var lines = (await store.ListAsync(CancellationToken.None)).Select(a => $"index {a.Id} {a.PackageSha256} {Path.GetRelativePath(root, a.Path)} {a.SizeOnDisk}").ToList();
        var appliances = Path.Combine(root, "appliances");
        if (Directory.Exists(appliances))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(appliances, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var mode = OperatingSystem.IsLinux() ? File.GetUnixFileMode(entry) : 0;
                lines.Add(File.Exists(entry)
                    ? $"file {Path.GetRelativePath(root, entry)} {mode} {Tools.Sha256(entry)}"
                    : $"dir {Path.GetRelativePath(root, entry)} {mode}");
            }
        }

        var staging = Path.Combine(root, ".staging");
        if (Directory.Exists(staging) && Directory.EnumerateFileSystemEntries(staging).Any())
            lines.Add("staging not empty");
        return string.Join('\n', lines);
    }
}
