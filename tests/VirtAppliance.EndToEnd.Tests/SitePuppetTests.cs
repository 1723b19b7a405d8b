using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// The site's Puppet overrides and additions with a real guest: the hello recipe built, packed,
/// installed and deployed; an addition (site_note writes /etc/hello/site) and an override
/// (hello_site inherits hello and changes its greeting file) added and applied; the guest's
/// first-boot Puppet run applies them, and applies them again on the new system disk of an update.
/// A module that does not parse is refused with its file, line and column, and changes nothing.
/// </summary>
public class SitePuppetTests
{
    private const string Override = "overridden by the site";

    [Fact]
    public async Task The_sites_addition_and_override_reach_the_guest_and_are_applied_again_after_an_update()
    {
        // Given hello 1.0 built from its recipe, and a 1.1 with the same disks (a new version: new system disk overlays)
        using var work = new TemporaryFolder();
        var ct = TestContext.Current.CancellationToken;
        var built = Path.Combine(work.Path, "hello-1.0");
        var build = await CliRunner.InProcessAsync("build", Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "recipes", "hello"), "-o", built);
        build.ExitCode.ShouldBe(0, build.ToString());
        var next = Path.Combine(work.Path, "hello-1.1");
        Directory.CreateDirectory(next);
        foreach (var file in Directory.EnumerateFiles(built))
            File.Copy(file, Path.Combine(next, Path.GetFileName(file)));
        var descriptor = Path.Combine(next, "appliance.xml");
        var xml = await File.ReadAllTextAsync(descriptor, ct);
        xml.ShouldContain("version=\"1.0\"");
        await File.WriteAllTextAsync(descriptor, xml.Replace("version=\"1.0\"", "version=\"1.1\"", StringComparison.Ordinal), ct);
        var root = Path.Combine(work.Path, "store");
        Directory.CreateDirectory(root, (UnixFileMode)0b111_101_101);
        foreach (var folder in new[] { built, next })
        {
            var package = folder + ".vapp";
            (await CliRunner.InProcessAsync("pack", folder, "-o", package)).ExitCode.ShouldBe(0);
            var installed = await Cli(root, "install", package, "--allow-unsigned");
            installed.ExitCode.ShouldBe(0, installed.ToString());
        }
        // and the site's two modules
        var site = Path.Combine(work.Path, "site");
        var note = Module(site, "site_note", "class site_note {\n  file { '/etc/hello/site':\n    ensure  => file,\n    content => \"head office\\n\",\n  }\n}\n");
        var hello = Module(site, "hello_site", $"class hello_site inherits hello {{\n  File['/etc/hello/greeting'] {{\n    content => \"{Override}\\n\",\n  }}\n}}\n");
        var broken = Module(site, "site_broken", "class site_broken {\n  file { '/tmp/x': content => 'x'\n  }}\n}\n");
        var name = $"va-e2e-puppet-{Guid.NewGuid().ToString("N")[..8]}";

        try
        {
            var deployed = await Cli(root, "deploy", "hello-recipe@1.0", "--name", name);
            deployed.ExitCode.ShouldBe(0, deployed.ToString());
            Console(root, name).ShouldContain("hello: site=\n");

            // When a module that does not parse is given
            var refused = await Cli(root, "config", name, "puppet", "add", broken);

            // Then it is refused where the error is, and nothing changed
            refused.ExitCode.ShouldBe(3, refused.ToString());
            refused.Stderr.ShouldContain($"{Path.Combine(broken, "manifests", "init.pp")}:4:1: error: puppet: Syntax error");
            (await Cli(root, "config", name, "diff")).Stdout.ShouldContain("(nothing pending)");

            // When the addition and the override are added
            var shadow = await Cli(root, "config", name, "puppet", "add", Module(site, "hello", "class hello {\n}\n"));
            var addition = await Cli(root, "config", name, "puppet", "add", note);
            var overriding = await Cli(root, "config", name, "puppet", "add", hello, "--kind", "override");
            var diff = await Cli(root, "config", name, "diff");
            var list = await Cli(root, "config", name, "puppet", "list", "--json");

            // Then they wait for apply, in order; a module named like the appliance's own is refused
            shadow.ExitCode.ShouldBe(3, shadow.ToString());
            shadow.Stderr.ShouldContain("the appliance has a module called 'hello' itself");
            addition.ExitCode.ShouldBe(0, addition.ToString());
            overriding.ExitCode.ShouldBe(0, overriding.ToString());
            diff.Stdout.ShouldContain("+ puppet addition site_note: site_note");
            diff.Stdout.ShouldContain("+ puppet override hello_site: hello_site");
            using (var json = JsonDocument.Parse(list.Stdout))
            {
                json.RootElement.GetProperty("modules").GetArrayLength().ShouldBe(0);
                json.RootElement.GetProperty("pending_modules").EnumerateArray().Select(module => module.GetProperty("name").GetString()).ShouldBe(["site_note", "hello_site"]);
            }

            // When they are applied
            var applied = await Cli(root, "config", name, "apply");

            // Then the guest's first-boot Puppet run applied both
            applied.ExitCode.ShouldBe(0, applied.ToString());
            var console = Console(root, name);
            console.ShouldContain("hello: site=head office\n");
            console.ShouldContain($"hello: greeting={Override}\n");
            (await Cli(root, "config", name, "diff")).Stdout.ShouldContain("+ puppet override hello_site");

            // When the VM is updated to 1.1 (new system disks that have applied nothing)
            var updated = await Cli(root, "update", name, "--to", "1.1");

            // Then its first boot applied the site's classes again
            updated.ExitCode.ShouldBe(0, updated.ToString());
            console = Console(root, name);
            console.ShouldContain("virt-appliance: puppet apply starts");
            console.ShouldContain("hello: site=head office\n");
            console.ShouldContain($"hello: greeting={Override}\n");
            (await Cli(root, "config", name, "puppet", "list")).Stdout.ShouldContain("hello_site");
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    private static string Module(string site, string name, string initPp)
    {
        var manifests = Path.Combine(site, name, "manifests");
        Directory.CreateDirectory(manifests);
        File.WriteAllText(Path.Combine(manifests, "init.pp"), initPp);
        return Path.Combine(site, name);
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static string Console(string root, string vm) =>
        File.ReadAllText(Path.Combine(root, "instances", vm, "console.log")).Replace("\r", "", StringComparison.Ordinal);
}
