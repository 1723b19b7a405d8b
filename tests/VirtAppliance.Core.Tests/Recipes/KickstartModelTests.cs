using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

public class KickstartModelTests
{
    private static readonly string Calendar = Path.Combine(AppContext.BaseDirectory, "Recipes", "TestData", "calendar.ks");

    [Fact]
    public void The_calendar_kickstart_is_read_into_the_exact_model()
    {
        // Given the calendar appliance's kickstart: Debian repositories, a system and a data disk, two scripts

        // When it is loaded
        var result = KickstartParser.Load(Calendar);

        // Then it has no problems at all, and every command is in the model
        result.Problems.ShouldBeEmpty();
        var kickstart = result.RequireValid();
        kickstart.Path.ShouldBe(Calendar);

        kickstart.Repos.Count.ShouldBe(2);
        kickstart.Repos[0].ShouldBe(new KickstartRepo("base", "http://deb.debian.org/debian", "bookworm", kickstart.Repos[0].Components, At(3, 1)));
        kickstart.Repos[0].Components.ShouldBe(["main"]);
        kickstart.Repos[1].ShouldBe(new KickstartRepo("security", "http://security.debian.org/debian-security", "bookworm-security",
            kickstart.Repos[1].Components, At(4, 1)));
        kickstart.Repos[1].Components.ShouldBe(["main", "non-free-firmware"]);

        kickstart.Partitions.ShouldBe(
        [
            new KickstartPartition("/", 2048, Grow: true, MaxSizeMiB: null, "ext4", "system", "root", null, At(6, 1)),
            new KickstartPartition("/var/lib/postgresql", 1024, Grow: true, MaxSizeMiB: 65536, "ext4", "data", null, "noatime,nodev", At(7, 1)),
        ]);

        kickstart.RootPassword.ShouldBe(new KickstartRootPassword(null, IsCrypted: false, Locked: true, At(9, 1)));
        kickstart.EnabledServices.ShouldBe(["postgresql", "nginx"]);
        kickstart.DisabledServices.ShouldBe(["exim4"]);
        kickstart.Timezone.ShouldBe("Europe/Berlin");
        kickstart.TimezoneUtc.ShouldBeTrue();
        kickstart.Keyboard.ShouldBe("de");
        kickstart.Lang.ShouldBe("en_US.UTF-8");
        kickstart.BootloaderAppend.ShouldBe("console=ttyS0,115200 quiet");
        kickstart.BootloaderTimeout.ShouldBe(1);
        kickstart.Hostname.ShouldBe("calendar");

        kickstart.Packages.Groups.ShouldBe(["standard"]);
        kickstart.Packages.Names.ShouldBe(["postgresql-15", "nginx", "python3-*"]);
        kickstart.Packages.Excluded.ShouldBe(["exim4"]);
        kickstart.Packages.ExcludeDocs.ShouldBeTrue();
        kickstart.Packages.ExcludeWeakDeps.ShouldBeTrue();
        kickstart.Packages.NoCore.ShouldBeFalse();
        kickstart.Packages.IgnoreMissing.ShouldBeFalse();
        kickstart.Packages.InstLangs.ShouldBeNull();
        kickstart.Packages.Location.ShouldBe(At(17, 1));

        kickstart.PostScripts.ShouldBe(
        [
            new KickstartScript("date -u +%Y-%m-%dT%H:%M:%SZ > build-date.txt\n", "/bin/sh", NoChroot: true, ErrorOnFail: true, LogFile: null, At(25, 1), 26),
            new KickstartScript("set -euo pipefail\necho 'calendar' > /etc/motd\n", "/bin/bash", NoChroot: false, ErrorOnFail: false, "/root/post.log", At(29, 1), 30),
        ]);
        kickstart.Warnings.ShouldBeEmpty();
    }

    [Fact]
    public void Aliases_and_separate_option_values_mean_the_same_as_the_documented_spelling()
    {
        // Given --ondrive, --isUtc, --logfile, --inst-langs, --exclude-weakdeps and values after a space
        var text = """
            url --url http://deb.debian.org/debian --suite bookworm --components "main contrib"
            partition / --ondrive=system --size 512 --asprimary
            part swap --size=256
            part /srv --grow
            timezone --isUtc UTC
            keyboard us
            rootpw --iscrypted $6$salt$hash#notacomment
            %packages --inst-langs=en --exclude-weakdeps --nocore --ignoremissing
            @^minimal-environment
            %end
            %post --logfile /root/post.log --interpreter /usr/bin/python3
            print("hi")
            %end
            """;

        // When it is parsed
        var result = KickstartParser.Parse("alias.ks", text);

        // Then the model is as if the canonical options had been written
        result.Problems.ShouldBeEmpty();
        var kickstart = result.RequireValid();
        kickstart.Repos.Single().Components.ShouldBe(["main", "contrib"]);
        kickstart.Partitions[0].ShouldBe(new KickstartPartition("/", 512, false, null, "ext4", "system", null, null, new SourceLocation("alias.ks", 2, 1)));
        kickstart.Partitions[1].FsType.ShouldBe("swap");
        kickstart.Partitions[2].SizeMiB.ShouldBe(1);
        kickstart.Partitions[2].Grow.ShouldBeTrue();
        kickstart.TimezoneUtc.ShouldBeTrue();
        kickstart.Keyboard.ShouldBe("us");
        kickstart.RootPassword.ShouldBe(new KickstartRootPassword("$6$salt$hash#notacomment", IsCrypted: true, Locked: false, new SourceLocation("alias.ks", 7, 1)));
        kickstart.Packages.InstLangs.ShouldBe("en");
        kickstart.Packages.ExcludeWeakDeps.ShouldBeTrue();
        kickstart.Packages.NoCore.ShouldBeTrue();
        kickstart.Packages.IgnoreMissing.ShouldBeTrue();
        kickstart.Packages.Groups.ShouldBe(["^minimal-environment"]);
        kickstart.PostScripts.Single().LogFile.ShouldBe("/root/post.log");
        kickstart.PostScripts.Single().Interpreter.ShouldBe("/usr/bin/python3");
    }

    [Fact]
    public void A_root_password_never_shows_in_the_models_text()
    {
        // Given a kickstart with a crypted root password
        var password = new KickstartRootPassword("$6$salt$secret-hash", IsCrypted: true, Locked: false, new SourceLocation("a.ks", 1, 1));

        // When the model is printed (as a log or a failed assertion would)
        var text = password.ToString();

        // Then the hash is not in it
        text.ShouldNotContain("secret-hash");
        text.ShouldContain("--iscrypted");
    }

    [Fact]
    public void RequireValid_throws_an_invalid_input_error_that_carries_every_problem()
    {
        // Given a kickstart with two errors and a warning
        var result = KickstartParser.Parse("bad.ks", "zerombr\npartt / --size=1\n");

        // When it is required to be valid
        var error = Should.Throw<RecipeInvalidException>(() => result.RequireValid());

        // Then the message counts the errors, the hint says what to do, and every problem is carried (exit code 3)
        error.ShouldBeAssignableTo<InvalidInputException>();
        error.Message.ShouldBe("bad.ks: the recipe is not valid (3 error(s))");
        error.Hint.ShouldNotBeNullOrEmpty();
        error.Problems.Count.ShouldBe(4);
    }

    [Fact]
    public void A_problem_prints_as_file_line_column_severity_message_and_hint()
    {
        // Given a problem at a place in a kickstart
        var problem = new RecipeProblem(Severity.Error, new SourceLocation("calendar.ks", 3, 7), "unknown option '--sise' for 'part'", "did you mean '--size'?");

        // When it is printed
        var text = problem.ToString();

        // Then it reads as a compiler message does
        text.ShouldBe("calendar.ks:3:7: error: unknown option '--sise' for 'part' (did you mean '--size'?)");
    }

    [Fact]
    public void Loading_a_file_that_does_not_exist_is_a_not_found_error()
    {
        Should.Throw<NotFoundException>(() => KickstartParser.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.ks")));
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_reported_not_thrown()
    {
        // Given a kickstart saved as Latin-1 with an umlaut
        var path = Path.Combine(Path.GetTempPath(), $"latin1-{Guid.NewGuid():N}.ks");
        File.WriteAllBytes(path, [.. "# M"u8, 0xFC, .. "ller\n"u8]);
        try
        {
            // When it is loaded
            var result = KickstartParser.Load(path);

            // Then there is one error and no model
            result.Kickstart.ShouldBeNull();
            result.HasErrors.ShouldBeTrue();
            result.Problems.Single().Message.ShouldContain("not UTF-8");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static SourceLocation At(int line, int column) => new(Calendar, line, column);
}
