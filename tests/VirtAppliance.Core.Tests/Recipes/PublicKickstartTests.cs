using Shouldly;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

/// <summary>Kickstart files written by others for Anaconda and lorax (TestData/public/README.md names their origin).</summary>
public class PublicKickstartTests
{
    private static readonly string Public = Path.Combine(AppContext.BaseDirectory, "Recipes", "TestData", "public");

    private static KickstartReadResult Load(string file) => KickstartParser.Load(Path.Combine(Public, file));

    private static List<string> Summary(KickstartReadResult result) =>
        [.. result.Problems.Select(problem => $"{problem.Location.Line}:{problem.Location.Column} {problem.Severity}: {problem.Message}")];

    [Fact]
    public void Lorax_fedora_minimal_parses_with_warnings_for_the_installer_commands_and_the_plaintext_password()
    {
        // Given lorax's minimal Fedora disk image kickstart

        // When it is loaded
        var result = Load("fedora-minimal.ks");

        // Then only warnings: what steers the installer, and the plaintext root password
        Summary(result).ShouldBe(
        [
            "3:1 Warning: ignored: 'sshpw' is an installer command, and a build runs no installer",
            "5:1 Warning: ignored: 'firewall' is an installer command, and a build runs no installer",
            "10:1 Warning: a password in a recipe ends up in every image; prefer --lock or --iscrypted",
            "12:1 Warning: ignored: 'auth' is an installer command, and a build runs no installer",
            "18:1 Warning: ignored: 'selinux' is an installer command, and a build runs no installer",
            "20:1 Warning: ignored: 'logging' is an installer command, and a build runs no installer",
            "22:1 Warning: ignored: 'shutdown' is an installer command, and a build runs no installer",
            "28:1 Warning: ignored: 'clearpart' is an installer command, and a build runs no installer",
        ]);
        var kickstart = result.RequireValid();
        kickstart.Repos.Single().BaseUrl.ShouldBe("http://dl.fedoraproject.org/pub/fedora/linux/development/rawhide/x86_64/os/");
        kickstart.Repos.Single().Suite.ShouldBeNull();
        kickstart.Partitions.Select(partition => $"{partition.MountPoint} {partition.FsType} {partition.SizeMiB}").ShouldBe(["/ ext4 4000", "swap swap 1000"]);
        kickstart.Keyboard.ShouldBe("us");
        kickstart.Timezone.ShouldBe("US/Eastern");
        kickstart.Packages.Groups.ShouldBe(["core"]);
        kickstart.Packages.Names.ShouldBe(["kernel", "memtest86+", "grub2-efi", "grub2", "shim", "syslinux", "dracut-network", "tar"]);
        kickstart.Packages.Excluded.ShouldBe(["dracut-config-rescue"]);
        kickstart.PostScripts.Single().Body.ShouldBe("# Remove root password\npasswd -d root > /dev/null\n");
        kickstart.Warnings.Count.ShouldBe(8);
    }

    [Fact]
    public void Lorax_rhel_minimal_parses_with_its_second_repository_and_the_network_options_ignored()
    {
        var result = Load("rhel-minimal.ks");

        Summary(result).ShouldBe(
        [
            "4:1 Warning: ignored: 'firewall' is an installer command, and a build runs no installer",
            "9:10 Warning: ignored: 'network --bootproto'",
            "9:27 Warning: ignored: 'network --device'",
            "9:41 Warning: ignored: 'network --activate'",
            "12:1 Warning: a password in a recipe ends up in every image; prefer --lock or --iscrypted",
            "18:1 Warning: ignored: 'selinux' is an installer command, and a build runs no installer",
            "20:1 Warning: ignored: 'logging' is an installer command, and a build runs no installer",
            "22:1 Warning: ignored: 'shutdown' is an installer command, and a build runs no installer",
            "28:1 Warning: ignored: 'clearpart' is an installer command, and a build runs no installer",
        ]);
        var kickstart = result.RequireValid();
        kickstart.Repos.Select(repo => $"{repo.Name} {repo.BaseUrl}").ShouldBe(["base http://URL-TO-BASEOS/", "appstream http://URL-TO-APPSTREAM/"]);
        kickstart.Hostname.ShouldBeNull();
        kickstart.PostScripts.Single().BodyStartLine.ShouldBe(34);
    }

    [Fact]
    public void A_centos_6_dvd_install_parses_and_fails_only_for_want_of_a_package_repository()
    {
        // Given a CentOS 6 kickstart that installs from the DVD (cdrom)

        // When it is loaded
        var result = Load("centos-6-nolvm.ks");

        // Then installer commands and options are warnings, and the one error is that no repository is named
        Summary(result).ShouldBe(
        [
            "2:1 Warning: ignored: 'install' is an installer command, and a build runs no installer",
            "3:1 Warning: ignored: 'text' is an installer command, and a build runs no installer",
            "4:1 Warning: ignored: 'cdrom' is an installer command, and a build runs no installer",
            "7:9 Warning: ignored: 'network --onboot'",
            "7:21 Warning: ignored: 'network --device'",
            "7:35 Warning: ignored: 'network --bootproto'",
            "7:52 Warning: ignored: 'network --noipv6'",
            "8:1 Warning: a password in a recipe ends up in every image; prefer --lock or --iscrypted",
            "9:1 Warning: ignored: 'firewall' is an installer command, and a build runs no installer",
            "10:1 Warning: ignored: 'authconfig' is an installer command, and a build runs no installer",
            "11:1 Warning: ignored: 'selinux' is an installer command, and a build runs no installer",
            "13:27 Warning: ignored: 'bootloader --driveorder'",
            "18:1 Warning: ignored: 'zerombr' is an installer command, and a build runs no installer",
            "19:1 Warning: ignored: 'clearpart' is an installer command, and a build runs no installer",
            "25:1 Warning: ignored: 'poweroff' is an installer command, and a build runs no installer",
            "27:11 Warning: ignored: '%packages --nobase'",
            "0:0 Error: the kickstart names no package repository",
        ]);
        var kickstart = result.Kickstart.ShouldNotBeNull();
        kickstart.Partitions.Select(partition => $"{partition.MountPoint} {partition.FsType} {partition.SizeMiB}").ShouldBe(["/boot ext4 500", "swap swap 256", "/ ext4 5000"]);
        kickstart.RootPassword.ShouldNotBeNull().IsPlaintext.ShouldBeTrue();
        kickstart.Timezone.ShouldBe("Europe/London");
        kickstart.TimezoneUtc.ShouldBeTrue();
        kickstart.BootloaderAppend.ShouldBe("crashkernel=128M");
        kickstart.Packages.Groups.ShouldBe(["Core"]);
        kickstart.PostScripts.Single().NoChroot.ShouldBeTrue();
    }
}
