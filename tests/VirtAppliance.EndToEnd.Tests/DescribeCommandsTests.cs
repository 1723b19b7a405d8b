using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

public class DescribeCommandsTests
{
    /// <summary>virt-image's own descriptors, as copied into the repository (the same files as shared/reference/virt-image/descriptors).</summary>
    private static readonly string ReferenceFolder = Path.Combine(CliRunner.RepositoryRoot, "tests", "VirtAppliance.Core.Tests", "Descriptors", "TestData", "virt-image");

    private static string Reference(string file) => Path.Combine(ReferenceFolder, file);

    public static TheoryData<string> ReferenceFiles() =>
        new(Directory.GetFiles(ReferenceFolder, "*.xml").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(ReferenceFiles))]
    public async Task Validate_accepts_every_reference_descriptor(string file)
    {
        var result = await CliRunner.InProcessAsync("validate", Path.Combine(ReferenceFolder, file));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain(": valid");
    }

    [Fact]
    public async Task Validate_rejects_a_broken_descriptor_with_located_messages_and_exit_code_3()
    {
        // Given a descriptor with two mistakes on known lines
        using var folder = new TemporaryFolder();
        var path = folder.Write("appliance.xml", """
            <image>
              <name>broken</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
                  <drive disk="missing" target="vda"/></boot>
                <devices><vcpu>one</vcpu><memory>262144</memory></devices>
              </domain>
              <storage><disk file="root.img"/></storage>
            </image>
            """);

        // When it is validated
        var result = await CliRunner.InProcessAsync("validate", path);

        // Then both are named with file, line and column, and the exit code says "invalid input"
        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stdout.ShouldContain($"{path}:5:");
        result.Stdout.ShouldContain("'missing'");
        result.Stdout.ShouldContain($"{path}:6:");
        result.Stdout.ShouldContain("'one' is not a whole number");
        result.Stdout.ShouldContain("invalid, 2 errors");
    }

    [Fact]
    public async Task A_tcp_health_check_on_an_appliance_without_an_interface_is_invalid_input_at_its_line_and_column()
    {
        // Given a descriptor whose only health check is a TCP port (line 7), and no interface to reach it through
        using var folder = new TemporaryFolder();
        var path = folder.Write("appliance.xml", """
            <image>
              <name>tcp-only</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os><drive disk="root.img" target="vda"/></boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage><disk file="root.img"/></storage><health>
                <tcp port="443"/></health>
            </image>
            """);

        // When it is validated
        var result = await CliRunner.InProcessAsync("validate", path);

        // Then it is invalid (exit 3), located, and says what to write instead
        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stdout.ShouldContain($"{path}:7:46: error: the TCP health check on port 443 needs a network interface");
        result.Stdout.ShouldContain("<interface/>");
    }

    [Fact]
    public async Task Validate_of_an_appliance_folder_reads_its_appliance_xml()
    {
        var result = await CliRunner.InProcessAsync("validate", Path.Combine(CliRunner.RepositoryRoot, "examples", "wiki"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("wiki-system.qcow2' does not exist");
    }

    [Fact]
    public async Task Validate_with_require_files_makes_absent_disks_errors()
    {
        var result = await CliRunner.InProcessAsync("validate", "--require-files", Path.Combine(CliRunner.RepositoryRoot, "examples", "wiki"));

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stdout.ShouldContain("error: disk file 'wiki-system.qcow2' does not exist");
    }

    [Fact]
    public async Task Validate_with_require_files_applies_the_image_rules_of_pack_and_locates_each_broken_image()
    {
        // Given an appliance with a qcow2 image declared raw (line 9), one with a backing file (line 10)
        // and one that keeps its data in an external file (line 11), all made by qemu-img
        using var folder = new TemporaryFolder();
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", Path.Combine(folder.Path, "root.img"), "1M");
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", Path.Combine(folder.Path, "base.qcow2"), "1M");
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", Path.Combine(folder.Path, "layer.qcow2"));
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=external.data", Path.Combine(folder.Path, "external.qcow2"), "1M");
        var path = folder.Write("appliance.xml", """
            <image>
              <name>images</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
                  <drive disk="root" target="vda"/><drive disk="layer" target="vdb"/><drive disk="external" target="vdc"/></boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage>
                <disk id="root" file="root.img"/>
                <disk id="layer" file="layer.qcow2" format="qcow2"/>
                <disk id="external" file="external.qcow2" format="qcow2"/>
              </storage>
            </image>
            """);

        // When it is validated as pack would, and packed
        var validated = await CliRunner.InProcessAsync("validate", "--require-files", folder.Path);
        var described = await CliRunner.InProcessAsync("validate", folder.Path);
        var packed = await CliRunner.InProcessAsync("pack", folder.Path, "-o", Path.Combine(folder.Path, "never.vapp"));

        // Then validate reports each broken image at its disk's line and column, with what to do, and exits 3
        validated.ExitCode.ShouldBe(3, validated.ToString());
        var lines = validated.Stdout.Split('\n');
        lines.ShouldContain(line => line.StartsWith($"{path}:9:", StringComparison.Ordinal)
            && line.Contains("error: disk file 'root.img': the image is qcow2 but declared raw", StringComparison.Ordinal)
            && line.Contains("declare format=\"qcow2\"", StringComparison.Ordinal), validated.ToString());
        lines.ShouldContain(line => line.StartsWith($"{path}:10:", StringComparison.Ordinal)
            && line.Contains("error: disk file 'layer.qcow2': the qcow2 image has a backing file (base.qcow2)", StringComparison.Ordinal)
            && line.Contains("qemu-img convert", StringComparison.Ordinal), validated.ToString());
        lines.ShouldContain(line => line.StartsWith($"{path}:11:", StringComparison.Ordinal)
            && line.Contains("error: disk file 'external.qcow2': the qcow2 image keeps its data in an external file", StringComparison.Ordinal), validated.ToString());
        validated.Stdout.ShouldContain("invalid, 3 errors");

        // And without --require-files the images are not looked at, while pack refuses the first of them with the same words
        described.ExitCode.ShouldBe(0, described.ToString());
        packed.ExitCode.ShouldBe(3, packed.ToString());
        packed.Stderr.ShouldContain("the image is qcow2 but declared raw");
        File.Exists(Path.Combine(folder.Path, "never.vapp")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("valdate", "validate")]
    [InlineData("trust ad", "add")]
    [InlineData("undeplyo", "undeploy")]
    [InlineData("validate --jsno", "--json")]
    public async Task A_mistyped_verb_or_option_gets_did_you_mean(string typed, string meant)
    {
        var result = await CliRunner.InProcessAsync([.. typed.Split(' '), Reference("example1.xml")]);

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain($"virt-appliance: did you mean '{meant}'?");
    }

    [Fact]
    public async Task A_word_unlike_any_verb_gets_no_suggestion()
    {
        var result = await CliRunner.InProcessAsync("frobnicate", Reference("example1.xml"));

        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldNotContain("did you mean");
        result.Stderr.ShouldContain("Try 'virt-appliance --help'");
    }

    [Fact]
    public async Task Json_output_writes_quotes_angle_brackets_and_ampersands_as_themselves_and_stays_valid()
    {
        // Given a descriptor in a folder named with ' & < > whose problem's hint names an XML element
        using var folder = new TemporaryFolder();
        var odd = Path.Combine(folder.Path, "R&D's <lab>");
        Directory.CreateDirectory(odd);
        var path = Path.Combine(odd, "appliance.xml");
        File.WriteAllText(path, """
            <image>
              <name>tcp-only</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os><drive disk="root.img" target="vda"/></boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage><disk file="root.img"/></storage><health><tcp port="443"/></health>
            </image>
            """);

        // When it is validated with --json
        var result = await CliRunner.InProcessAsync("validate", path, "--json");

        // Then the characters appear as themselves, and the output is JSON that reads back to the same text
        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stdout.ShouldContain("R&D's <lab>");
        result.Stdout.ShouldContain("<interface/>");
        result.Stdout.ShouldNotContain("\\u00");
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        json.GetProperty("source").GetString().ShouldBe(path);
        json.GetProperty("problems").EnumerateArray().ShouldContain(problem => (problem.GetProperty("hint").GetString() ?? "").Contains("<interface/>"));
    }

    [Fact]
    public async Task A_missing_appliance_is_exit_code_7_with_what_to_do_and_no_stack_trace()
    {
        var result = await CliRunner.InProcessAsync("inspect", "/nonexistent/appliance");

        result.ExitCode.ShouldBe(7, result.ToString());
        result.Stderr.ShouldContain("no such file, folder or installed appliance");
        result.Stderr.ShouldContain("what to do:");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Debug_shows_the_stack_trace()
    {
        var result = await CliRunner.InProcessAsync("inspect", "/nonexistent/appliance", "--debug");

        result.ExitCode.ShouldBe(7);
        result.Stderr.ShouldContain("   at ");
    }

    [Fact]
    public async Task Inspect_json_describes_boots_disks_and_parameters()
    {
        // When the example is inspected for a machine, with the global option before the verb
        var result = await CliRunner.InProcessAsync("--json", "inspect", Path.Combine(CliRunner.RepositoryRoot, "examples", "wiki"));

        // Then the JSON carries what a script needs
        result.ExitCode.ShouldBe(0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        root.GetProperty("name").GetString().ShouldBe("wiki");
        root.GetProperty("version").GetString().ShouldBe("2.4");
        root.GetProperty("memory_kib").GetInt64().ShouldBe(1024 * 1024);
        root.GetProperty("boots").GetArrayLength().ShouldBe(2);
        root.GetProperty("boots")[0].GetProperty("firmware").GetString().ShouldBe("efi");
        var disks = root.GetProperty("disks").EnumerateArray().Select(disk => (disk.GetProperty("id").GetString(), disk.GetProperty("role").GetString(), disk.GetProperty("format").GetString())).ToList();
        disks.ShouldBe([("system", "system", "qcow2"), ("data", "user", "qcow2"), ("scratch", "scratch", "raw")]);
        var parameters = root.GetProperty("parameters").EnumerateArray().ToList();
        parameters.Select(parameter => parameter.GetProperty("name").GetString()).ShouldContain("admin_email");
        parameters.Single(parameter => parameter.GetProperty("name").GetString() == "theme").GetProperty("choices").GetArrayLength().ShouldBe(2);
        root.GetProperty("health").GetProperty("console").GetString().ShouldBe("^wiki: ready");
        root.GetProperty("health").GetProperty("tcp").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Inspect_shows_a_human_summary()
    {
        var result = await CliRunner.InProcessAsync("inspect", Reference("image.xml"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("test-image — A simple test image");
        result.Stdout.ShouldContain("pygrub");
        result.Stdout.ShouldContain("scratch.raw");
        result.Stdout.ShouldContain("100 MiB");
    }

    [Fact]
    public async Task Inspect_of_an_invalid_descriptor_fails_with_exit_code_3_and_lists_the_problems()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("appliance.xml", "<image><name>x</name></image>");

        var result = await CliRunner.InProcessAsync("--json", "inspect", path);

        result.ExitCode.ShouldBe(3);
        using var json = JsonDocument.Parse(result.Stdout);
        var error = json.RootElement.GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("invalid_input");
        error.GetProperty("problems").EnumerateArray().ShouldContain(problem => problem.GetProperty("message").GetString()!.Contains("no <domain>"));
    }

    [Fact]
    public async Task An_unknown_verb_is_a_usage_error()
    {
        var result = await CliRunner.InProcessAsync("frobnicate");

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("--help");
    }

    [Fact]
    public async Task Global_options_are_accepted_after_the_verb_too()
    {
        var result = await CliRunner.InProcessAsync("validate", Reference("example1.xml"), "--root", "/var/tmp/elsewhere", "--json");

        result.ExitCode.ShouldBe(0, result.ToString());
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("valid").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Help_of_a_verb_has_examples_and_the_root_help_lists_exit_codes()
    {
        var verb = await CliRunner.InProcessAsync("validate", "--help");
        var root = await CliRunner.InProcessAsync("--help");

        verb.ExitCode.ShouldBe(0);
        verb.Stdout.ShouldContain("Examples:");
        root.Stdout.ShouldContain("Exit codes:");
        root.Stdout.ShouldContain("8  conflict");
    }

    [Fact]
    public async Task The_launcher_in_the_repository_root_builds_and_runs_the_cli()
    {
        var result = await CliRunner.LauncherAsync(null, "validate", Reference("image2nics.xml"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("valid");
    }
}
