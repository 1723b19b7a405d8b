using System.Globalization;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// The root of a recipe whose repositories are RPM ones, made with <c>dnf --installroot</c>, then the same chroot steps
/// as a Debian root (<see cref="RootScript"/>) in a mount namespace of their own, so that /proc, /sys and /dev vanish
/// with it. Untested: no RPM repository is reachable from where virt-appliance is developed; the commands are checked
/// by unit tests only.
/// </summary>
internal static class DnfRoot
{
    /// <summary>What every RPM recipe's root gets besides its %packages (dracut makes the initrd in the chroot).</summary>
    public static readonly IReadOnlyList<string> BasePackages = ["systemd", "systemd-networkd", "kernel-core", "dracut", "e2fsprogs", "shadow-utils", "util-linux"];

    public static IReadOnlyList<string> InstallArguments(Recipe recipe, string root, string cacheFolder)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var kickstart = recipe.Kickstart;
        var args = new List<string>
        {
            "-y", "--installroot=" + root, "--releasever=/", "--disablerepo=*", "--setopt=reposdir=/nonexistent",
            "--setopt=install_weak_deps=False", "--setopt=keepcache=True", "--setopt=cachedir=" + Path.Combine(cacheFolder, "dnf"),
        };
        if (kickstart.Packages.ExcludeDocs)
            args.Add("--setopt=tsflags=nodocs");
        if (kickstart.Packages.IgnoreMissing)
            args.Add("--setopt=strict=False");
        foreach (var repo in kickstart.Repos)
        {
            args.Add($"--repofrompath={repo.Name},{repo.BaseUrl}");
            args.Add("--enablerepo=" + repo.Name);
        }
        args.Add("install");
        args.AddRange(kickstart.Packages.Names.Concat(kickstart.Packages.Groups.Select(group => "@" + group)).Concat(BasePackages)
            .Concat(recipe.PuppetFolder is null ? [] : ["puppet"]).Distinct(StringComparer.Ordinal));
        args.AddRange(kickstart.Packages.Excluded.Select(name => "--exclude=" + name));
        return args;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Any(folder => File.Exists(Path.Combine(folder, program)));

    public static async Task MakeAsync(Recipe recipe, BuildOptions options, string work, string root, string customizeScript, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        if (!OnPath("dnf"))
        {
            throw new VirtApplianceException($"{recipe.Kickstart.Path}: the repositories are RPM ones, and this host has no dnf")
            { Hint = "build it on a host with dnf (Fedora, RHEL, or Debian's dnf package), or use Debian repositories (repo … --suite=bookworm)" };
        }
        var environment = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = options.SourceDateEpoch.ToString(CultureInfo.InvariantCulture), ["LC_ALL"] = "C.UTF-8" };
        Directory.CreateDirectory(root);
        var log = Path.Combine(work, "root.log");
        var install = await ExternalTool.RunUncheckedAsync("dnf", InstallArguments(recipe, root, options.CacheFolder), environment, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await File.WriteAllTextAsync(log, install.Stdout + install.Stderr, cancellationToken).ConfigureAwait(false);
        if (install.ExitCode != 0)
        {
            throw new RecipeBuildException($"{recipe.Kickstart.Path}: dnf could not install the packages",
                [.. (install.Stderr + "\n" + install.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith("Error", StringComparison.Ordinal) || line.Contains("No match for argument", StringComparison.Ordinal)).TakeLast(15)], log);
        }
        // Private mounts: when the namespace's last process ends, its /proc, /sys and /dev mounts end with it.
        var customize = await ExternalTool.RunUncheckedAsync("unshare", ["--mount", "--propagation", "private", "sh", "-c",
            "mount -t proc proc \"$1/proc\" && mount -t sysfs sysfs \"$1/sys\" && mount --rbind /dev \"$1/dev\" && exec sh \"$2\" \"$1\"", "dnf-root", root, customizeScript],
            environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(log, customize.Stdout + customize.Stderr, cancellationToken).ConfigureAwait(false);
        if (customize.ExitCode != 0)
            throw new VirtApplianceException($"the chroot steps of the RPM root failed (exit {customize.ExitCode})") { Hint = $"the whole log is {log} (build --keep-work keeps it)" };
    }
}
