using System.Diagnostics;
using System.Globalization;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Images;

/// <summary>Disk images made with the real qemu-img (overlays, empty disks) and sparse copies.</summary>
public static class QemuImg
{
    /// <summary>A qcow2 overlay on <paramref name="backingFile"/>; the backing format is always given, never probed.</summary>
    public static Task CreateOverlayAsync(string backingFile, string backingFormat, string overlay, CancellationToken cancellationToken) =>
        RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", backingFile, "-F", backingFormat, overlay], cancellationToken);

    /// <summary>A new empty image; qcow2 or a sparse raw file.</summary>
    public static Task CreateAsync(string path, string format, long sizeBytes, CancellationToken cancellationToken) =>
        RunAsync("qemu-img", ["create", "-q", "-f", format, path, sizeBytes.ToString(CultureInfo.InvariantCulture)], cancellationToken);

    /// <summary>Copies an image keeping its holes (the copy costs the allocated data, not the virtual size).</summary>
    public static Task SparseCopyAsync(string source, string target, CancellationToken cancellationToken) =>
        RunAsync("cp", ["--sparse=always", "--reflink=auto", source, target], cancellationToken);

    private static async Task RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new VirtApplianceException($"{program} is not installed", error) { Hint = "install qemu-utils (make test and make demo do)" };
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new VirtApplianceException($"{program} {string.Join(' ', args)} failed: {(await stderr.ConfigureAwait(false)).Trim()}")
                {
                    Hint = "check free space and permissions in the store",
                };
        }
    }
}
