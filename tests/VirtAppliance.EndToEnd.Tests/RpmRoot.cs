namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// A root for <c>rpm --root</c> in which this build's CLI runs as /usr/bin/virt-appliance, so that the RPM's
/// scriptlets (run chrooted by rpm) reach the real CLI: the host's /usr through an overlay (the wrapper lands in
/// the overlay's upper layer, the host is not touched), this test's output folder at /opt/va, /proc and /dev bound.
/// Without the CLI (withCli false) it is a bare folder, as a test root usually is.
/// </summary>
internal sealed class RpmRoot : IDisposable
{
    private readonly TemporaryFolder work = new();
    private readonly List<string> mounts = [];

    public RpmRoot(bool withCli)
    {
        Path = System.IO.Path.Combine(work.Path, "root");
        Directory.CreateDirectory(Path);
        if (!withCli)
            return;
        try
        {
            Build();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Build()
    {
        foreach (var folder in new[] { "usr", "proc", "dev", "tmp", "opt/va", "etc" })
            Directory.CreateDirectory(System.IO.Path.Combine(Path, folder));
        foreach (var link in new[] { "bin", "lib", "lib64", "sbin" })
            File.CreateSymbolicLink(System.IO.Path.Combine(Path, link), $"usr/{link}");
        var upper = System.IO.Path.Combine(work.Path, "overlay", "upper");
        var scratch = System.IO.Path.Combine(work.Path, "overlay", "work");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(scratch);
        Mount("-t", "overlay", "overlay", "-o", $"lowerdir=/usr,upperdir={upper},workdir={scratch}", System.IO.Path.Combine(Path, "usr"));
        Mount("--bind", "-o", "ro", AppContext.BaseDirectory, System.IO.Path.Combine(Path, "opt", "va"));
        Mount("--bind", "/proc", System.IO.Path.Combine(Path, "proc"));
        Mount("--bind", "/dev", System.IO.Path.Combine(Path, "dev"));
        var cli = System.IO.Path.Combine(Path, "usr", "bin", "virt-appliance");
        File.WriteAllText(cli, "#!/bin/sh\nexec /usr/bin/dotnet /opt/va/virt-appliance.dll \"$@\"\n");
        File.SetUnixFileMode(cli, (UnixFileMode)0b111_101_101);
    }

    public string Path { get; }

    /// <summary>The store inside the root, as the host sees it.</summary>
    public string Store => System.IO.Path.Combine(Path, "var", "lib", "appliances");

    /// <summary>rpm --root with this root; returns exit code and all output.</summary>
    public (int ExitCode, string Output) Rpm(params string[] args)
    {
        var result = Core.Internal.ExternalTool.RunUncheckedAsync("rpm", ["--root", Path, .. args]).GetAwaiter().GetResult();
        return (result.ExitCode, result.Stdout + result.Stderr);
    }

    private void Mount(params string[] args)
    {
        Tools.Run("mount", args);
        mounts.Add(args[^1]);
    }

    public void Dispose()
    {
        var stillMounted = false;
        foreach (var mount in Enumerable.Reverse(mounts))
            stillMounted |= Core.Internal.ExternalTool.RunUncheckedAsync("umount", [mount]).GetAwaiter().GetResult().ExitCode != 0;
        // Never delete through a mount that stayed: /dev and /proc are the host's own.
        if (!stillMounted)
            work.Dispose();
    }
}
