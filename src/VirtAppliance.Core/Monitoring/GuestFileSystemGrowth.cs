using System.Text;
using System.Text.Json;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// Grows an ext file system inside a running guest through its QEMU guest agent (guest-exec of resize2fs), after
/// libvirt grew the disk under it. Only a file system on the whole disk: a partition would have to grow first,
/// which needs tools the guest may not have.
/// </summary>
internal static class GuestFileSystemGrowth
{
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ResizeTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The guest device grown (e.g. /dev/vdb), or why the agent could not grow it.</summary>
    public static async Task<(string? Device, string? Problem)> TryGrowAsync(IHypervisor hypervisor, string name, string target, CancellationToken cancellationToken)
    {
        IReadOnlyList<FileSystemUsage> fileSystems;
        try
        {
            var map = GuestFileSystems.Map(hypervisor.QemuAgentCommand(name, GuestFileSystems.Command, AgentTimeout), hypervisor.GetXml(name), [target]);
            fileSystems = map.TryGetValue(target, out var found) ? found : [];
        }
        catch (Exception error) when (error is HypervisorException or InvalidDataException)
        {
            return (null, $"the guest agent does not answer: {error.Message}");
        }
        var wholeDisk = fileSystems.FirstOrDefault(fs => fs.Type is "ext2" or "ext3" or "ext4" && fs.Device is { } device && !char.IsAsciiDigit(device[^1]));
        if (wholeDisk?.Device is not { } grown)
            return (null, fileSystems.Count == 0
                ? "the guest has no file system mounted from this disk"
                : $"the guest's file system on it ({string.Join(", ", fileSystems.Select(fs => $"{fs.Device ?? "?"} {fs.Type} on {fs.Mountpoint}"))}) is not ext on the whole disk");

        // The guest learns the new capacity from an interrupt; until it has, resize2fs finds nothing to do.
        for (var attempt = 1; ; attempt++)
        {
            var (exitCode, output) = await ExecAsync(hypervisor, name, "resize2fs", [grown], cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
                return (null, $"resize2fs {grown} in the guest failed (exit {exitCode}): {output.Trim()}");
            if (!output.Contains("Nothing to do", StringComparison.Ordinal))
                return (grown, null);
            if (attempt == 5)
                return (null, $"the guest still sees {grown} at its old size");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a program in the guest (guest-exec) and waits for it: its exit code and what it printed.</summary>
    private static async Task<(int ExitCode, string Output)> ExecAsync(IHypervisor hypervisor, string name, string path, IReadOnlyList<string> args,
        CancellationToken cancellationToken)
    {
        var start = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["execute"] = "guest-exec",
            ["arguments"] = new Dictionary<string, object> { ["path"] = path, ["arg"] = args, ["capture-output"] = true },
        });
        long pid;
        using (var started = JsonDocument.Parse(hypervisor.QemuAgentCommand(name, start, AgentTimeout)))
            pid = started.RootElement.GetProperty("return").GetProperty("pid").GetInt64();
        var poll = TimeSpan.FromMilliseconds(300);
        for (var waited = TimeSpan.Zero; ; waited += poll)
        {
            using var status = JsonDocument.Parse(hypervisor.QemuAgentCommand(name, $$$"""{"execute":"guest-exec-status","arguments":{"pid":{{{pid}}}}}""", AgentTimeout));
            var result = status.RootElement.GetProperty("return");
            if (result.GetProperty("exited").GetBoolean())
            {
                var exitCode = result.TryGetProperty("exitcode", out var code) ? code.GetInt32() : -1;
                return (exitCode, Decode(result, "out-data") + Decode(result, "err-data"));
            }
            if (waited > ResizeTimeout)
                return (-1, $"{path} did not finish within {ResizeTimeout.TotalMinutes:0} minutes");
            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Decode(JsonElement result, string property) =>
        result.TryGetProperty(property, out var data) && data.GetString() is { } base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(base64)) : "";
}
