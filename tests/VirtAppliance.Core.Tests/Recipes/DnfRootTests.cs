using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

/// <summary>
/// RPM recipes: read and checked like Debian ones; their root would be made by dnf --installroot. No RPM repository
/// is reachable here, so what is checked is the recipe and the command build would run, not a built root.
/// </summary>
public sealed class DnfRootTests : IDisposable
{
    private static readonly string Hello = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "fixtures", "recipes", "hello"));

    private readonly string folder = Directory.CreateTempSubdirectory("rpm-recipe-").FullName;

    public DnfRootTests()
    {
        foreach (var directory in Directory.EnumerateDirectories(Hello, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(folder, Path.GetRelativePath(Hello, directory)));
        foreach (var file in Directory.EnumerateFiles(Hello, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(folder, Path.GetRelativePath(Hello, file)));
        var kickstart = Path.Combine(folder, "hello.ks");
        var text = File.ReadAllText(kickstart)
            .Replace("repo --name=debian --baseurl=http://deb.debian.org/debian --suite=bookworm --components=main", "url --url=https://mirror.example.org/fedora/40/Everything/x86_64/os/", StringComparison.Ordinal)
            .Replace("repo --name=security --baseurl=http://deb.debian.org/debian-security --suite=bookworm-security --components=main", "repo --name=updates --baseurl=https://mirror.example.org/fedora/updates/40/Everything/x86_64/", StringComparison.Ordinal)
            .Replace("%packages --excludedocs\n", "%packages --excludedocs\nvim-minimal\n@core\n-plymouth\n", StringComparison.Ordinal);
        File.WriteAllText(kickstart, text);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task An_RPM_recipe_loads_with_a_warning_that_its_dnf_build_is_untested()
    {
        var recipe = await RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken);

        RecipeLoader.IsRpm(recipe.Kickstart).ShouldBeTrue();
        recipe.Warnings.Single(problem => problem.Severity == Severity.Warning).Message.ShouldBe("RPM repositories: build makes the root with dnf --installroot (untested)");
    }

    [Fact]
    public async Task Dnf_installs_from_the_kickstarts_repositories_only_with_the_packages_groups_and_exclusions()
    {
        var recipe = await RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken);

        var args = DnfRoot.InstallArguments(recipe, "/work/root", "/var/cache/va");

        args.ShouldBe(
        [
            "-y", "--installroot=/work/root", "--releasever=/", "--disablerepo=*", "--setopt=reposdir=/nonexistent",
            "--setopt=install_weak_deps=False", "--setopt=keepcache=True", "--setopt=cachedir=/var/cache/va/dnf", "--setopt=tsflags=nodocs",
            "--repofrompath=base,https://mirror.example.org/fedora/40/Everything/x86_64/os/", "--enablerepo=base",
            "--repofrompath=updates,https://mirror.example.org/fedora/updates/40/Everything/x86_64/", "--enablerepo=updates",
            "install", "vim-minimal", "qemu-guest-agent", "@core", "systemd", "systemd-networkd", "kernel-core", "dracut", "e2fsprogs", "shadow-utils", "util-linux", "puppet",
            "--exclude=plymouth",
        ]);
    }

    [Fact]
    public async Task The_chroot_steps_of_an_RPM_root_make_the_initrd_with_dracut()
    {
        var recipe = await RecipeLoader.LoadAsync(folder, TestContext.Current.CancellationToken);

        var script = RootScript.Customize(recipe, "/work/overlay", "/work");

        script.ShouldContain("chroot \"$root\" dracut --no-hostonly --force --kver \"$version\" \"/boot/initramfs-$version.img\"");
        script.IndexOf("step initramfs", StringComparison.Ordinal).ShouldBeGreaterThan(script.IndexOf("step post 1", StringComparison.Ordinal));
    }
}
