using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

/// <summary>Each rule of docs/recipe.md, "The kickstart", broken once: the problem is where the offending word is.</summary>
public class KickstartRuleTests
{
    /// <summary>Two valid lines the cases start from, so that the case's own text starts on line 3.</summary>
    private const string Base = "url --url=http://deb.debian.org/debian --suite=bookworm --components=main\npart / --size=2048 --grow\n";

    private const Severity Error = Severity.Error;
    private const Severity Warning = Severity.Warning;

    public static TheoryData<string, int, int, Severity, string> Cases() => new()
    {
        // Commands
        { "partt /data --size=10", 3, 1, Error, "unknown kickstart command 'partt'" },
        { "Part /data --size=10", 3, 1, Error, "unknown kickstart command 'Part'" },
        { "part /data --sise=10", 3, 12, Error, "unknown option '--sise' for 'part'" },
        { "zerombr", 3, 1, Warning, "ignored: 'zerombr' is an installer command" },
        { "clearpart --all --initlabel", 3, 1, Warning, "ignored: 'clearpart'" },
        { "text", 3, 1, Warning, "ignored: 'text'" },
        { "graphical", 3, 1, Warning, "ignored: 'graphical'" },
        { "cmdline", 3, 1, Warning, "ignored: 'cmdline'" },
        { "reboot --eject", 3, 1, Warning, "ignored: 'reboot'" },
        { "poweroff", 3, 1, Warning, "ignored: 'poweroff'" },
        { "shutdown", 3, 1, Warning, "ignored: 'shutdown'" },
        { "halt", 3, 1, Warning, "ignored: 'halt'" },
        { "skipx", 3, 1, Warning, "ignored: 'skipx'" },
        { "firstboot --disable", 3, 1, Warning, "ignored: 'firstboot'" },
        { "install", 3, 1, Warning, "ignored: 'install'" },
        { "eula --agreed", 3, 1, Warning, "ignored: 'eula'" },
        { "selinux --enforcing", 3, 1, Warning, "ignored: 'selinux'" },
        { "firewall --enabled --service=ssh", 3, 1, Warning, "ignored: 'firewall'" },
        { "auth --useshadow", 3, 1, Warning, "ignored: 'auth'" },
        { "authselect select sssd", 3, 1, Warning, "ignored: 'authselect'" },
        { "ignoredisk --only-use=vda", 3, 1, Warning, "ignored: 'ignoredisk'" },
        { "autopart --type=plain", 3, 1, Error, "the kickstart command 'autopart' is not supported" },
        { "logvol / --vgname=vg --name=root --size=100", 3, 1, Error, "the kickstart command 'logvol' is not supported" },
        { "volgroup vg pv.01", 3, 1, Error, "the kickstart command 'volgroup' is not supported" },
        { "raid / --level=1 --device=md0 raid.01 raid.02", 3, 1, Error, "the kickstart command 'raid' is not supported" },
        { "btrfs / --data=1 btrfs.01", 3, 1, Error, "the kickstart command 'btrfs' is not supported" },

        // Sections
        { "%include /tmp/part.ks", 3, 1, Error, "'%include' is not supported" },
        { "%pre\necho hi\n%end", 3, 1, Error, "the section '%pre' is not supported" },
        { "%pre-install\necho hi\n%end", 3, 1, Error, "the section '%pre-install' is not supported" },
        { "%onerror\necho hi\n%end", 3, 1, Error, "the section '%onerror' is not supported" },
        { "%traceback\necho hi\n%end", 3, 1, Error, "the section '%traceback' is not supported" },
        { "%addon com_redhat_kdump --disable\n%end", 3, 1, Error, "the section '%addon' is not supported" },
        { "%anaconda\npwpolicy root --minlen=6\n%end", 3, 1, Error, "the section '%anaconda' is not supported" },
        { "%postt\n%end", 3, 1, Error, "unknown kickstart section '%postt'" },
        { "%end", 3, 1, Error, "'%end' without a section" },
        { "%post\necho no end", 3, 1, Error, "the section '%post' has no %end" },
        { "%packages\nvim\n%post\ntrue\n%end", 3, 1, Error, "the section '%packages' has no %end" },
        { "%packages\n%end\n%packages\n%end", 5, 1, Error, "'%packages' appears more than once; the first is on line 3" },
        { "%packages\n  vim emacs\n%end", 4, 7, Error, "'vim emacs' has a space" },
        { "%packages\nfoo;rm\n%end", 4, 1, Error, "'foo;rm' is not a package name" },
        { "%packages\n-@office\n%end", 4, 1, Error, "excluding a group" },
        { "%packages --nobase\n%end", 3, 11, Warning, "ignored: '%packages --nobase'" },
        { "%packages --bogus\n%end", 3, 11, Error, "unknown option '--bogus' for '%packages'" },
        { "%post --interpreter=python3\n%end", 3, 7, Error, "the interpreter 'python3' is not an absolute path" },
        { "%post --chroot\n%end", 3, 7, Error, "unknown option '--chroot' for '%post'" },

        // part
        { "part /data --size=10 --encrypted", 3, 22, Error, "'part --encrypted' is not supported" },
        { "part /data --onpart=vdb1", 3, 12, Error, "'part --onpart' is not supported" },
        { "part /data --percent=50", 3, 12, Error, "'part --percent' is not supported" },
        { "part swap --recommended", 3, 11, Warning, "ignored: 'part --recommended'" },
        { "part swap --recommended", 3, 1, Error, "the partition swap has no --size" },
        { "part --size=10", 3, 1, Error, "'part' needs a mount point" },
        { "part /data /srv --size=10", 3, 12, Error, "unexpected argument '/srv' for 'part'" },
        { "part /data", 3, 1, Error, "the partition /data has no --size" },
        { "part / --size=10", 3, 6, Error, "the mount point / is declared twice; the first is on line 2" },
        { "part /srv/ --size=10", 3, 6, Error, "the mount point '/srv/' is not an absolute, normalised path" },
        { "part srv --size=10", 3, 6, Error, "the mount point 'srv' is not an absolute, normalised path" },
        { "part /srv/../etc --size=10", 3, 6, Error, "the mount point '/srv/../etc' is not an absolute, normalised path" },
        { "part //srv --size=10", 3, 6, Error, "the mount point '//srv' is not an absolute, normalised path" },
        { "part pv.01 --size=10", 3, 6, Error, "'pv.01' is a member of LVM, RAID or btrfs" },
        { "part biosboot --size=1", 3, 6, Error, "'biosboot' is a boot partition" },
        { "part /data --size=10 --fstype=btrfs", 3, 22, Error, "'btrfs' is not a file system the build can make" },
        { "part /data --size=10 --fstype=swap", 3, 22, Error, "the partition /data has --fstype=swap" },
        { "part swap --size=10 --fstype=ext4", 3, 21, Error, "the swap partition has --fstype=ext4" },
        { "part /data --size=ten", 3, 12, Error, "--size 'ten' is not a whole number" },
        { "part /data --size 0", 3, 19, Error, "--size 0 is out of range" },
        { "part /data --size", 3, 12, Error, "'--size' needs a value" },
        { "part /data --size=10 --grow=yes", 3, 22, Error, "'--grow' takes no value" },
        { "part /data --size=100 --grow --maxsize=10", 3, 30, Error, "--maxsize 10 is smaller than --size 100" },
        { "part /data --size=10 --maxsize=100", 3, 22, Warning, "--maxsize without --grow has no effect" },

        // Repeated single-value commands
        { "lang en_US.UTF-8\nlang de_DE.UTF-8", 4, 1, Error, "'lang' appears more than once; the first is on line 3" },
        { "timezone UTC\n\ntimezone Europe/Berlin", 5, 1, Error, "'timezone' appears more than once; the first is on line 3" },
        { "keyboard us\nkeyboard de", 4, 1, Error, "'keyboard' appears more than once; the first is on line 3" },
        { "rootpw --lock\nrootpw --lock", 4, 1, Error, "'rootpw' appears more than once; the first is on line 3" },
        { "bootloader --timeout=1\nbootloader --timeout=2", 4, 1, Error, "'bootloader' appears more than once; the first is on line 3" },
        { "url --url=http://example.org/debian", 3, 1, Error, "'url' appears more than once; the first is on line 1" },

        // rootpw
        { "rootpw secret", 3, 1, Warning, "a password in a recipe ends up in every image; prefer --lock or --iscrypted" },
        { "rootpw --plaintext secret", 3, 1, Warning, "a password in a recipe ends up in every image" },
        { "rootpw", 3, 1, Error, "'rootpw' needs a password or --lock" },
        { "rootpw --iscrypted --plaintext x", 3, 20, Error, "'rootpw' has both --iscrypted and --plaintext" },

        // Repositories
        { "repo --baseurl=http://example.org/", 3, 1, Error, "'repo' has no --name" },
        { "repo --name=extra", 3, 1, Error, "'repo' has no --baseurl" },
        { "repo --name=x --baseurl=deb.debian.org/debian", 3, 15, Error, "'deb.debian.org/debian' is not an http, https, ftp or file URL" },
        { "repo --name=x --mirrorlist=http://mirrors.example.org/", 3, 15, Error, "'repo --mirrorlist' is not supported" },
        { "repo --name=x --baseurl=http://a.example/ --components=main", 3, 43, Error, "--components without --suite" },
        { "repo --name=base --baseurl=http://a.example/", 3, 1, Error, "the repository name 'base' is used twice; the first is on line 1" },
        { "repo --name=x --baseurl=http://a.example/ --cost=cheap", 3, 43, Error, "--cost 'cheap' is not a whole number" },
        { "repo --name=x --baseurl=http://a.example/ --noverifyssl", 3, 43, Warning, "ignored: 'repo --noverifyssl'" },

        // services, timezone, keyboard, lang, bootloader, network
        { "services --enabled=sshd --disabled=sshd", 3, 25, Error, "the service 'sshd' is both enabled and disabled" },
        { "services", 3, 1, Error, "'services' names no service" },
        { "timezone \"Europe/New York\"", 3, 10, Error, "'Europe/New York' is not a time zone name" },
        { "timezone --utc", 3, 1, Error, "'timezone' needs a time zone" },
        { "timezone UTC --ntpservers=pool.ntp.org", 3, 14, Warning, "ignored: 'timezone --ntpservers'" },
        { "keyboard", 3, 1, Error, "'keyboard' names no layout" },
        { "keyboard --xlayouts=us 'de latin1'", 3, 24, Error, "'de latin1' is not a keymap name" },
        { "lang", 3, 1, Error, "'lang' needs a locale" },
        { "lang 'en US'", 3, 6, Error, "'en US' is not a locale name" },
        { "bootloader --timeout=soon", 3, 12, Error, "--timeout 'soon' is not a whole number" },
        { "bootloader --location=sda", 3, 12, Error, "--location 'sda' is not a boot loader location" },
        { "bootloader --append=\"quiet", 3, 21, Error, "the quote \" is never closed" },
        { "bootloader --driveorder=sda", 3, 12, Warning, "ignored: 'bootloader --driveorder'" },
        { "network --hostname=calendar --bootproto=dhcp", 3, 29, Warning, "ignored: 'network --bootproto'" },
        { "network --hostname=-calendar", 3, 9, Error, "'-calendar' is not a host name" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_broken_rule_is_reported_at_the_offending_word_with_a_hint(string text, int line, int column, Severity severity, string message)
    {
        // Given a valid start and one line (or section) that breaks a rule

        // When the kickstart is parsed
        var result = KickstartParser.Parse("case.ks", Base + text + "\n");

        // Then there is that problem, at that place, with something to do about it
        var problems = result.Problems.Where(problem => problem.Message.Contains(message, StringComparison.Ordinal)).ToList();
        problems.ShouldHaveSingleItem($"problems were:\n{string.Join("\n", result.Problems)}");
        var problem = problems[0];
        problem.Location.ShouldBe(new SourceLocation("case.ks", line, column));
        problem.Severity.ShouldBe(severity);
        problem.Hint.ShouldNotBeNullOrWhiteSpace();
        result.Kickstart.ShouldNotBeNull();
    }

    [Theory]
    [InlineData("partt / --size=1", "did you mean 'part'?")]
    [InlineData("part /data --sise=10", "did you mean '--size'?")]
    [InlineData("timezon UTC", "did you mean 'timezone'?")]
    [InlineData("%postt\n%end", "did you mean '%post'?")]
    [InlineData("autopart", "declare partitions with part")]
    [InlineData("logvol / --size=1", "only plain partitions")]
    [InlineData("%pre\n%end", "move the script to %post")]
    public void A_hint_names_the_nearest_known_spelling_or_what_to_do_instead(string text, string hint)
    {
        var result = KickstartParser.Parse("case.ks", Base + text + "\n");

        result.Problems.ShouldContain(problem => problem.Hint != null && problem.Hint.Contains(hint, StringComparison.Ordinal),
            string.Join("\n", result.Problems));
    }

    [Fact]
    public void The_asprimary_option_is_accepted_without_a_word()
    {
        var result = KickstartParser.Parse("case.ks", Base + "part /data --size=10 --asprimary\n");

        result.Problems.ShouldBeEmpty();
        result.RequireValid().Partitions[1].MountPoint.ShouldBe("/data");
    }

    [Fact]
    public void Only_the_rootpw_without_lock_or_hash_is_warned_about()
    {
        var locked = KickstartParser.Parse("case.ks", Base + "rootpw --lock\n");
        var crypted = KickstartParser.Parse("case.ks", Base + "rootpw --iscrypted $6$salt$hash\n");

        locked.Problems.ShouldBeEmpty();
        crypted.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void A_kickstart_without_root_partition_or_repository_has_a_file_level_error_for_each()
    {
        // Given a kickstart that only sets the language
        var result = KickstartParser.Parse("empty.ks", "lang C.UTF-8\n");

        // When it is parsed, then both are reported against the file
        result.Problems.Select(problem => problem.ToString()).ShouldBe(
        [
            "empty.ks: error: no partition is mounted at / (add e.g. 'part / --size=4096 --grow')",
            "empty.ks: error: the kickstart names no package repository (add 'url --url=URL' or 'repo --name=NAME --baseurl=URL' (for Debian with --suite=SUITE --components=main))",
        ]);
    }

    [Fact]
    public void Every_problem_of_the_file_is_reported_at_once()
    {
        // Given a kickstart with a mistake on each of several lines
        var text = """
            url --url=http://deb.debian.org/debian --suite=bookworm
            part / --size=big
            part /var --fstype=zfs --size=10
            langg en_US.UTF-8
            zerombr
            %packages
            vim emacs
            %end
            %post
            echo never ends
            """;

        // When it is parsed
        var result = KickstartParser.Parse("many.ks", text);

        // Then each is reported, in file order, with its place
        result.Problems.Select(problem => $"{problem.Location.Line}:{problem.Location.Column} {problem.Severity}").ShouldBe(
        [
            "2:8 Error",
            "3:11 Error",
            "4:1 Error",
            "5:1 Warning",
            "7:5 Error",
            "9:1 Error",
            "0:0 Error",
        ]);
    }

    public static TheoryData<string, string, string> MalformedInputs() => new()
    {
        { "huge file", "# " + new string('x', (int)KickstartParser.MaxKickstartBytes), "at most" },
        { "binary garbage", "\0\u00ff\u00fe\u0013\u0037", "unknown kickstart command" },
        { "only an unclosed quote", "\"", "never closed" },
        { "a lone %", "%", "unknown kickstart section" },
        { "a section header at the end", Base + "%packages", "has no %end" },
        { "an option without a command", "--size=1", "unknown kickstart command" },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void Malformed_input_is_reported_and_never_thrown(string what, string text, string expected)
    {
        var result = KickstartParser.Parse("bad.ks", text);

        result.HasErrors.ShouldBeTrue(what);
        result.Problems.ShouldContain(problem => problem.Message.Contains(expected, StringComparison.Ordinal), what);
        result.Problems.ShouldAllBe(problem => problem.Location.File == "bad.ks" && problem.Hint != null);
    }

    [Fact]
    public void A_kickstart_cut_off_anywhere_or_with_any_line_twice_never_throws()
    {
        // Given the calendar kickstart, cut off after every character and with each line doubled
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recipes", "TestData", "calendar.ks"));
        var lines = text.Split('\n');
        var variants = Enumerable.Range(0, text.Length).Select(length => text[..length])
            .Concat(Enumerable.Range(0, lines.Length).Select(i => string.Join('\n', lines.Take(i + 1).Concat(lines.Skip(i)))));

        // When each is parsed, then each gives a result whose problems all have a place in the file and a hint
        foreach (var variant in variants)
        {
            var result = KickstartParser.Parse("cut.ks", variant);
            result.Kickstart.ShouldNotBeNull();
            result.Problems.ShouldAllBe(problem => problem.Hint != null && problem.Location.File == "cut.ks");
        }
    }
}
