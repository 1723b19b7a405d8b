using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Turns a checked <see cref="Recipe"/> into an appliance folder: a Debian root made by mmdebstrap from the
/// kickstart's repositories and packages, configured by the kickstart and the recipe's Puppet module (build phase),
/// laid out per the kickstart's partitions onto raw disk images without mounting anything, booted directly from the
/// root's own kernel and initrd. Equal recipes and package versions give equal disk digests.
/// </summary>
public static class RecipeBuilder
{
    /// <summary>Where the build's provenance (the packages with their versions) is kept in the descriptor.</summary>
    public static readonly XNamespace BuildNamespace = "https://virt-appliance.org/xmlns/build/1";

    /// <summary>What every recipe's root gets besides its %packages.</summary>
    public static readonly IReadOnlyList<string> BasePackages = ["systemd-sysv", "udev", "dbus", "kmod", "e2fsprogs", "fdisk"];

    private const string DefaultKernelPackage = "linux-image-cloud-amd64";

    public static async Task<BuildResult> BuildAsync(Recipe recipe, BuildOptions options, IProgress<BuildProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(options);
        if (!Posix.IsRoot)
            throw new VirtApplianceException("build needs root: mmdebstrap --mode=root and chroot make the image's root tree")
            { Hint = "run it as root (sudo virt-appliance build …)" };
        var output = Path.GetFullPath(options.OutputFolder);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !options.Force)
            throw new ConflictException($"{output} exists and is not empty") { Hint = "choose another -o folder, or add --force to replace it" };
        var parent = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(parent);
        // Beside the output: the finished folder is renamed into place, so a failed build leaves nothing half-written.
        var work = Path.Combine(parent, $".{Path.GetFileName(output)}.build-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(work);
        var timings = new List<PhaseTiming>();
        var clock = Stopwatch.StartNew();
        BuildPhase? current = null;
        void Enter(BuildPhase? phase, string message)
        {
            if (current is { } finished)
                timings.Add(new PhaseTiming(finished, clock.Elapsed));
            clock.Restart();
            current = phase;
            if (phase is { } started)
                progress?.Report(new BuildProgress(started, message));
        }

        var succeeded = false;
        try
        {
            var staged = Path.Combine(work, "out");
            Directory.CreateDirectory(staged);
            var root = Path.Combine(work, "root");

            var rpm = RecipeLoader.IsRpm(recipe.Kickstart);
            Enter(BuildPhase.Root, rpm
                ? $"root tree from {string.Join(", ", recipe.Kickstart.Repos.Select(repo => repo.Name))} (dnf --installroot, untested)"
                : $"root tree from {string.Join(", ", recipe.Kickstart.Repos.Select(repo => repo.Suite).Distinct())} (mmdebstrap)");
            await MakeRootAsync(recipe, options, work, root, cancellationToken).ConfigureAwait(false);
            var packages = await InstalledPackagesAsync(root, rpm, cancellationToken).ConfigureAwait(false);

            Enter(BuildPhase.Kernel, "kernel and initrd out of /boot");
            TakeKernel(root, staged);
            var trees = await SplitPartitionTreesAsync(recipe, root, work, cancellationToken).ConfigureAwait(false);
            await ClampTimesAsync([root, .. trees.Values], options.SourceDateEpoch, cancellationToken).ConfigureAwait(false);

            Enter(BuildPhase.Disks, $"{recipe.Disks.Count} disk(s), {recipe.Disks.Sum(disk => disk.Partitions.Count)} partition(s)");
            var disks = new List<BuiltDisk>();
            foreach (var disk in recipe.Disks)
            {
                progress?.Report(new BuildProgress(BuildPhase.Disks, $"{disk.FileName}: {disk.SizeMiB} MiB"));
                await DiskImageWriter.WriteAsync(disk, trees, root, work, Path.Combine(staged, disk.FileName), options.SourceDateEpoch, cancellationToken).ConfigureAwait(false);
            }

            Enter(BuildPhase.Descriptor, "checksums and appliance.xml");
            foreach (var disk in recipe.Disks)
            {
                var file = Path.Combine(staged, disk.FileName);
                disks.Add(new BuiltDisk(disk.Disk.Id, disk.FileName, disk.Disk.Role.ToString().ToLowerInvariant(), new FileInfo(file).Length,
                    FileAllocation.AllocatedBytes(file) ?? 0, await Sha256Async(file, cancellationToken).ConfigureAwait(false)));
            }
            CopyTemplates(recipe, staged);
            var descriptor = Describe(recipe, disks, packages);
            var descriptorPath = Path.Combine(staged, ApplianceLocator.DescriptorFileName);
            await DescriptorWriter.WriteFileAsync(descriptor, descriptorPath, cancellationToken).ConfigureAwait(false);
            foreach (var entry in Directory.EnumerateFileSystemEntries(staged))
                File.SetUnixFileMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetUnixFileMode(staged, (UnixFileMode)0b111_101_101);

            if (Directory.Exists(output))
            {
                var old = Path.Combine(work, "replaced");
                Directory.Move(output, old);
            }
            Directory.Move(staged, output);
            Enter(null, "");
            succeeded = true;
            return new BuildResult(recipe.Name, recipe.Version, output, Path.Combine(output, ApplianceLocator.DescriptorFileName),
                disks, packages, timings, recipe.Warnings, options.KeepWork ? work : null);
        }
        finally
        {
            if (!options.KeepWork || succeeded)
                await RemoveWorkAsync(work, options.KeepWork && succeeded).ConfigureAwait(false);
        }
    }

    private static async Task MakeRootAsync(Recipe recipe, BuildOptions options, string work, string root, CancellationToken cancellationToken)
    {
        var overlay = Path.Combine(work, "overlay");
        WriteOverlay(recipe, overlay);
        var kickstart = recipe.Kickstart;
        for (var index = 0; index < kickstart.PostScripts.Count; index++)
            await File.WriteAllTextAsync(Path.Combine(work, $"post-{index + 1}"), kickstart.PostScripts[index].Body, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(work, "essential.sh"), RootScript.Essential(overlay), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(work, "customize.sh"), RootScript.Customize(recipe, overlay, work), cancellationToken).ConfigureAwait(false);

        Directory.CreateDirectory(options.CacheFolder);
        // One build at a time fills the shared package cache. The lock lives beside the cache, not in it: the cache is
        // copied into the root and back, and a lock file copied back would be a new file nobody holds.
        using var cacheLock = await FileLock.AcquireAsync(options.CacheFolder.TrimEnd('/') + ".lock", "the package cache", TimeSpan.FromHours(1), TimeProvider.System, cancellationToken)
            .ConfigureAwait(false);
        if (RecipeLoader.IsRpm(kickstart))
        {
            await DnfRoot.MakeAsync(recipe, options, work, root, Path.Combine(work, "customize.sh"), cancellationToken).ConfigureAwait(false);
            return;
        }
        var packages = new List<string>(kickstart.Packages.Names);
        if (!packages.Any(name => name.StartsWith("linux-image-", StringComparison.Ordinal)))
            packages.Add(DefaultKernelPackage);
        packages.AddRange(BasePackages);
        if (recipe.PuppetFolder is not null)
            packages.Add("puppet");
        var suite = kickstart.Repos.Select(repo => repo.Suite!).First(name => !name.Contains('-', StringComparison.Ordinal));
        var args = new List<string>
        {
            "--mode=root", "--variant=minbase", "--format=directory",
            "--include=" + string.Join(',', packages.Distinct(StringComparer.Ordinal)),
            "--aptopt=APT::Install-Recommends \"false\"",
            "--aptopt=Acquire::Languages \"none\"",
            "--skip=download/empty", "--skip=essential/unlink",
            "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives/",
            $"--setup-hook=sync-in {options.CacheFolder} /var/cache/apt/archives/",
            $"--essential-hook=sh {RootScript.Quote(Path.Combine(work, "essential.sh"))} \"$1\"",
            $"--customize-hook=sync-out /var/cache/apt/archives {options.CacheFolder}",
            "--customize-hook=rm -f \"$1\"/var/cache/apt/archives/*.deb \"$1\"/var/cache/apt/archives/partial/*.deb",
            $"--customize-hook=sh {RootScript.Quote(Path.Combine(work, "customize.sh"))} \"$1\"",
        };
        if (kickstart.Packages.ExcludeDocs)
        {
            foreach (var rule in (string[])["path-exclude=/usr/share/doc/*", "path-include=/usr/share/doc/*/copyright", "path-exclude=/usr/share/man/*",
                         "path-exclude=/usr/share/info/*", "path-exclude=/usr/share/lintian/*"])
                args.Add("--dpkgopt=" + rule);
        }
        args.Add(suite);
        args.Add(root);
        args.AddRange(kickstart.Repos.Select(repo => $"deb {repo.BaseUrl} {repo.Suite} {string.Join(' ', repo.Components.Count == 0 ? ["main"] : repo.Components)}"));

        var log = Path.Combine(work, "root.log");
        var environment = new Dictionary<string, string>
        {
            ["SOURCE_DATE_EPOCH"] = options.SourceDateEpoch.ToString(CultureInfo.InvariantCulture),
            ["LC_ALL"] = "C.UTF-8",
            ["DEBIAN_FRONTEND"] = "noninteractive",
        };
        var result = await ExternalTool.RunUncheckedAsync("mmdebstrap", args, environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(log, result.Stdout + result.Stderr, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw RootFailure(recipe, result.Stdout + "\n" + result.Stderr, log);
    }

    /// <summary>Finds what in the recipe made mmdebstrap fail: a package, Puppet's run, a %post script, a setting.</summary>
    private static VirtApplianceException RootFailure(Recipe recipe, string output, string log)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = lines.Where(line => line.StartsWith("E: Unable to locate package ", StringComparison.Ordinal))
            .Select(line => line["E: Unable to locate package ".Length..]).ToList();
        if (missing.Count > 0)
            return new RecipeBuildException($"{recipe.Kickstart.Path}: %packages names packages the repositories do not have: {string.Join(", ", missing)}",
                [.. lines.Where(line => line.StartsWith("E: ", StringComparison.Ordinal))], log);
        var stepIndex = Array.FindLastIndex(lines, line => line.StartsWith(RootScript.Marker, StringComparison.Ordinal));
        var step = stepIndex < 0 ? null : lines[stepIndex][RootScript.Marker.Length..];
        var after = stepIndex < 0 ? lines : lines[(stepIndex + 1)..];
        // Facter complains about the build host's /proc/1 in a chroot: noise, not the cause.
        var details = after.Where(line => (line.StartsWith("Error:", StringComparison.Ordinal) && !line.StartsWith("Error: Facter:", StringComparison.Ordinal))
            || line.StartsWith("E:", StringComparison.Ordinal)).ToList();
        if (details.Count == 0)
            details = [.. after.TakeLast(15)];
        if (step is null)
        {
            // Before our first step: the archive, the network, the cache or mmdebstrap itself, not the recipe.
            return new VirtApplianceException($"mmdebstrap could not make the root tree: {string.Join(" / ", details.TakeLast(3))}")
            { Hint = $"check the repositories can be reached and the disk has room; the whole log is {log} (build --keep-work keeps it)" };
        }
        var message = step switch
        {
            "puppet" => "Puppet's build-phase run of puppet/manifests/site.pp failed",
            _ when step.StartsWith("post ", StringComparison.Ordinal) => $"the %post script at {step.Split(' ', 3)[2]} failed",
            "settings" => $"{recipe.Kickstart.Path}: applying the kickstart's settings (timezone, lang, keyboard, root password) failed",
            "services" => $"{recipe.Kickstart.Path}: enabling or disabling the services the kickstart names failed",
            _ => $"the build step '{step}' failed",
        };
        return new RecipeBuildException(message, details, log);
    }

    private static void WriteOverlay(Recipe recipe, string overlay)
    {
        void Write(string path, string text, UnixFileMode? mode = null)
        {
            var full = Path.Combine(overlay, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            File.SetUnixFileMode(full, mode ?? (UnixFileMode)0b110_100_100);
        }

        Write("/usr/lib/virt-appliance/setup", GuestFile("virt-appliance-setup"), (UnixFileMode)0b111_101_101);
        Write("/usr/lib/virt-appliance/grow", GuestFile("virt-appliance-grow"), (UnixFileMode)0b111_101_101);
        Write("/etc/udev/rules.d/80-virt-appliance-grow.rules", GuestFile("80-virt-appliance-grow.rules"));
        Write("/etc/systemd/system/virt-appliance-setup.service", GuestFile("virt-appliance-setup.service"));
        Write("/etc/systemd/network/80-virt-appliance.network", GuestFile("80-virt-appliance.network"));
        Write("/etc/initramfs-tools/conf.d/virt-appliance.conf", "# virt-appliance build: virtio disks, ext4 root, found by UUID\nMODULES=most\nFSTYPE=ext4\n");
        Write("/etc/fstab", Fstab(recipe));
        if (recipe.PuppetFolder is { } puppet)
        {
            var target = Path.Combine(overlay, RootScript.PuppetHome.TrimStart('/'));
            foreach (var file in Directory.EnumerateFiles(puppet, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(puppet, file);
                var destination = Path.Combine(target, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
                File.SetUnixFileMode(destination, (UnixFileMode)0b110_100_100);
            }
        }
        // cp -a gives the root's existing folders (etc, usr …) these modes: never the umask of whoever runs build.
        foreach (var folder in Directory.EnumerateDirectories(overlay, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
    }

    /// <summary>The fstab of the image: every partition by its fixed file system UUID.</summary>
    public static string Fstab(Recipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var text = new StringBuilder("# virt-appliance build: from the kickstart's part lines\n");
        foreach (var part in recipe.Disks.SelectMany(disk => disk.Partitions).OrderBy(part => part.IsSwap ? 1 : 0).ThenBy(part => part.MountPoint, StringComparer.Ordinal))
        {
            if (part.IsSwap)
            {
                text.Append(CultureInfo.InvariantCulture, $"UUID={part.FileSystemUuid}\tnone\tswap\tsw\t0\t0\n");
                continue;
            }
            var options = part.Part.FsOptions ?? (part.MountPoint == "/" ? "errors=remount-ro" : "defaults");
            text.Append(CultureInfo.InvariantCulture, $"UUID={part.FileSystemUuid}\t{part.MountPoint}\t{part.FsType}\t{options}\t0\t{(part.MountPoint == "/" ? 1 : 2)}\n");
        }
        return text.ToString();
    }

    private static string GuestFile(string name)
    {
        using var stream = typeof(RecipeBuilder).Assembly.GetManifestResourceStream($"VirtAppliance.Core.Recipes.Guest.{name}")
            ?? throw new InvalidOperationException($"resource {name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static async Task<IReadOnlyList<InstalledPackage>> InstalledPackagesAsync(string root, bool rpm, CancellationToken cancellationToken)
    {
        var list = rpm
            ? await ExternalTool.RunAsync("rpm", ["--root", root, "-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n"], null, cancellationToken).ConfigureAwait(false)
            : await ExternalTool.RunAsync("dpkg-query", [$"--admindir={root}/var/lib/dpkg", "-W", "-f=${Package}\t${Version}\n"], null, cancellationToken)
                .ConfigureAwait(false);
        return [.. list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Select(fields => new InstalledPackage(fields[0], fields.Length > 1 ? fields[1] : ""))
            .OrderBy(package => package.Name, StringComparer.Ordinal)];
    }

    /// <summary>Moves the kernel and initrd out of the root: the host boots them directly.</summary>
    private static void TakeKernel(string root, string staged)
    {
        var kernels = Directory.GetFiles(Path.Combine(root, "boot"), "vmlinuz-*");
        if (kernels.Length != 1)
            throw new VirtApplianceException($"expected one kernel in the root's /boot, found {kernels.Length}")
            { Hint = "name one linux-image package in %packages (or none: build adds linux-image-cloud-amd64)" };
        var version = Path.GetFileName(kernels[0])["vmlinuz-".Length..];
        // Debian's initramfs-tools name, else dracut's (RPM roots).
        var initrd = Path.Combine(root, "boot", $"initrd.img-{version}");
        if (!File.Exists(initrd))
            initrd = Path.Combine(root, "boot", $"initramfs-{version}.img");
        if (!File.Exists(initrd))
            throw new VirtApplianceException($"the kernel {version} has no initrd in /boot") { Hint = "is initramfs-tools installed with the kernel?" };
        File.Copy(kernels[0], Path.Combine(staged, "vmlinuz"));
        File.Copy(initrd, Path.Combine(staged, "initrd.img"));
        File.Delete(kernels[0]);
        File.Delete(initrd);
        foreach (var link in (string[])["vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old", "initramfs.img"])
        {
            var path = Path.Combine(root, link);
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
                File.Delete(path);
        }
    }

    /// <summary>
    /// Moves each non-root partition's subtree out of the root (its file system is made from it) and leaves an empty
    /// mount point of the same owner and mode. Deepest mount points first, so nested ones end up in the right tree.
    /// </summary>
    private static async Task<Dictionary<PlannedPartition, string>> SplitPartitionTreesAsync(Recipe recipe, string root, string work, CancellationToken cancellationToken)
    {
        var trees = new Dictionary<PlannedPartition, string>();
        var parts = recipe.Disks.SelectMany(disk => disk.Partitions)
            .Where(part => !part.IsSwap && part.MountPoint != "/")
            .OrderByDescending(part => part.MountPoint.Count(character => character == '/')).ToList();
        foreach (var part in parts)
        {
            var source = Path.Combine(root, part.MountPoint.TrimStart('/'));
            var tree = Path.Combine(work, "parts", $"{part.Number}{part.MountPoint.Replace('/', '_')}");
            Directory.CreateDirectory(Path.GetDirectoryName(tree)!);
            if (Directory.Exists(source))
            {
                Directory.Move(source, tree);
                Directory.CreateDirectory(source);
                File.SetUnixFileMode(source, File.GetUnixFileMode(tree));
                await ExternalTool.RunAsync("chown", [$"--reference={tree}", source], null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Directory.CreateDirectory(tree);
                Directory.CreateDirectory(source);
            }
            trees[part] = tree;
        }
        return trees;
    }

    /// <summary>Sets every file time newer than the epoch to the epoch (generated files carry the build's time).</summary>
    private static async Task ClampTimesAsync(IReadOnlyList<string> folders, long epoch, CancellationToken cancellationToken)
    {
        foreach (var folder in folders)
        {
            var stamp = $"@{epoch.ToString(CultureInfo.InvariantCulture)}";
            await ExternalTool.RunAsync("sh", ["-c", "find \"$1\" -xdev -newermt \"$2\" -print0 | xargs -0r touch -h -d \"$2\"", "clamp", folder, stamp], null, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static void CopyTemplates(Recipe recipe, string staged)
    {
        foreach (var template in recipe.Descriptor.Templates)
        {
            var destination = Path.Combine(staged, template.Source);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(recipe.Descriptor.ResolvePath(template.Source), destination, overwrite: true);
        }
    }

    /// <summary>The recipe's descriptor with its disk files, checksums, direct boot and provenance filled in.</summary>
    private static ApplianceDescriptor Describe(Recipe recipe, IReadOnlyList<BuiltDisk> disks, IReadOnlyList<InstalledPackage> packages)
    {
        var descriptor = recipe.Descriptor;
        var cmdline = $"root=UUID={recipe.RootPartition.FileSystemUuid} ro console=ttyS0";
        if (recipe.Kickstart.BootloaderAppend is { Length: > 0 } append)
            cmdline += " " + append;
        var provenance = new XElement(BuildNamespace + "build",
            new XAttribute("recipe", Path.GetFileName(recipe.Folder)),
            new XAttribute("kickstart", Path.GetFileName(recipe.Kickstart.Path)),
            packages.Select(package => new XElement(BuildNamespace + "package", new XAttribute("name", package.Name), new XAttribute("version", package.Version))),
            // The appliance's own Puppet modules: a site's module may not take one of their names (config VM puppet add).
            PuppetModuleNames(recipe).Select(module => new XElement(BuildNamespace + "puppet-module", new XAttribute("name", module))));
        return descriptor with
        {
            Disks = [.. descriptor.Disks.Select(disk =>
            {
                var built = disks.Single(candidate => candidate.Id == disk.Id);
                return disk with { File = built.File, Format = DiskFormat.Raw, SizeMiB = null, Checksum = new DiskChecksum("sha256", built.Sha256) };
            })],
            Boots = [.. descriptor.Boots.Select(boot => boot with { Os = boot.Os with { Kernel = "vmlinuz", Initrd = "initrd.img", Cmdline = cmdline } })],
            Extensions = [.. descriptor.Extensions.Where(extension => extension.Name.Namespace != BuildNamespace), provenance],
        };
    }

    /// <summary>
    /// The names of the Puppet modules a recipe-built appliance carries (its build provenance); null when the descriptor does not say
    /// (not built by a recipe, or by a release that did not record them).
    /// </summary>
    public static IReadOnlyList<string>? PuppetModulesOf(ApplianceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var build = descriptor.Extensions.FirstOrDefault(extension => extension.Name == BuildNamespace + "build");
        var modules = build?.Elements(BuildNamespace + "puppet-module").Select(module => (string?)module.Attribute("name")).OfType<string>().ToList();
        return modules is { Count: > 0 } ? modules : null;
    }

    private static IEnumerable<string> PuppetModuleNames(Recipe recipe) =>
        recipe.PuppetFolder is { } puppet && Directory.Exists(Path.Combine(puppet, "modules"))
            ? Directory.EnumerateDirectories(Path.Combine(puppet, "modules")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];

    private static async Task<string> Sha256Async(string file, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Deletes the work folder, never crossing into a mount a crashed mmdebstrap may have left (its /proc, /dev):
    /// those are unmounted first, and rm stays on one file system.
    /// </summary>
    private static async Task RemoveWorkAsync(string work, bool keepLogsOnly)
    {
        if (!Directory.Exists(work))
            return;
        var mounts = File.ReadAllLines("/proc/self/mounts")
            .Select(line => line.Split(' ')[1].Replace("\\040", " ", StringComparison.Ordinal))
            .Where(point => point.StartsWith(work + "/", StringComparison.Ordinal))
            .OrderByDescending(point => point.Length).ToList();
        foreach (var point in mounts)
            _ = await ExternalTool.RunUncheckedAsync("umount", ["--lazy", point]).ConfigureAwait(false);
        if (keepLogsOnly)
        {
            _ = await ExternalTool.RunUncheckedAsync("rm", ["-rf", "--one-file-system", Path.Combine(work, "root"), Path.Combine(work, "parts"), Path.Combine(work, "replaced")]).ConfigureAwait(false);
            return;
        }
        _ = await ExternalTool.RunUncheckedAsync("rm", ["-rf", "--one-file-system", work]).ConfigureAwait(false);
    }
}
