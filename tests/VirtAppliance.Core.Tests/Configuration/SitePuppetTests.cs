using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Configuration;

/// <summary>
/// A site's Puppet module: checked with the real Puppet parser (puppet parser validate) before anything
/// changes, and laid out on a real config disk (xorriso) read back with isoinfo.
/// </summary>
public sealed class SitePuppetTests : IDisposable
{
    private static readonly Guid Uuid = Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E");

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A module folder NAME with the given files (relative path → text).</summary>
    private string Module(string name, params (string Path, string Text)[] files)
    {
        var root = _folder[Path.Combine("modules", name)];
        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        return root;
    }

    private static ConfigDiskSpec Spec(params SiteModuleSource[] puppet) =>
        new(ConfigDisk.NewInstanceId(Uuid, 2), "web-1", Uuid, [], SiteValues.Resolve([], new Dictionary<string, string>()), null, null) { Puppet = puppet };

    private static string Extract(string iso, string path) => Tools.Run("isoinfo", "-R", "-i", iso, "-x", path);

    [Fact]
    public async Task The_modules_and_their_classes_in_order_go_onto_the_config_disk()
    {
        // Given an addition with a file and a template, and an override with two classes
        var note = Module("site_note",
            ("manifests/init.pp", "class site_note {\n  file { '/etc/hello/site': content => file('site_note/site.txt') }\n}\n"),
            ("files/site.txt", "head office\n"));
        var tls = Module("site_hello",
            ("manifests/init.pp", "class site_hello inherits hello {\n  File['/etc/hello/greeting'] { content => \"overridden\\n\" }\n}\n"),
            ("manifests/tls.pp", "class site_hello::tls {\n}\n"));
        var first = await SitePuppet.InspectAsync(note, [], SiteModuleKind.Addition, ["hello"], Ct);
        var second = await SitePuppet.InspectAsync(tls, ["site_hello", "site_hello::tls"], SiteModuleKind.Override, ["hello"], Ct);
        var iso = _folder["config.iso"];

        // When
        await ConfigDisk.WriteAsync(Spec(new SiteModuleSource(first, note), new SiteModuleSource(second, tls)), iso, Ct);

        // Then
        first.Classes.ShouldBe(["site_note"]);
        first.Digest.Length.ShouldBe(64);
        Extract(iso, "/puppet/classes").Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#')).ShouldBe(["site_note", "site_hello", "site_hello::tls"]);
        Extract(iso, "/puppet/modules/site_note/files/site.txt").ShouldBe("head office\n");
        Extract(iso, "/puppet/modules/site_hello/manifests/tls.pp").ShouldBe("class site_hello::tls {\n}\n");
    }

    [Fact]
    public async Task A_disk_without_site_modules_has_no_puppet_folder()
    {
        // Given
        var iso = _folder["config.iso"];

        // When
        await ConfigDisk.WriteAsync(Spec(), iso, Ct);

        // Then
        Tools.Run("isoinfo", "-R", "-f", "-i", iso).ShouldNotContain("/puppet");
    }

    [Fact]
    public async Task A_syntax_error_is_reported_with_its_file_line_and_column()
    {
        // Given a manifest with a brace too many on line 4
        var module = Module("site_syslog", ("manifests/init.pp", "class site_syslog {\n  file { '/etc/rsyslog.d/central.conf': content => 'x'\n  }}\n}\n"));

        // When
        var error = await Should.ThrowAsync<SitePuppetInvalidException>(() => SitePuppet.InspectAsync(module, [], SiteModuleKind.Addition, null, Ct));

        // Then
        var problem = error.Problems.ShouldHaveSingleItem();
        problem.Location.File.ShouldBe(Path.Combine(module, "manifests", "init.pp"));
        (problem.Location.Line, problem.Location.Column).ShouldBe((4, 1));
        problem.Message.ShouldStartWith("puppet: Syntax error");
        error.Message.ShouldContain("nothing was changed");
    }

    [Fact]
    public async Task A_class_that_is_not_defined_where_puppet_looks_is_refused()
    {
        // Given a module whose init.pp defines another class
        var module = Module("site_syslog", ("manifests/init.pp", "class site_syslog_central {\n}\n"));

        // When
        var error = await Should.ThrowAsync<SitePuppetInvalidException>(() =>
            SitePuppet.InspectAsync(module, ["site_syslog", "site_syslog::relay", "other::thing"], SiteModuleKind.Addition, null, Ct));

        // Then
        error.Problems.Select(problem => problem.Message).ShouldBe([
            "class 'site_syslog' is not defined here, where Puppet looks for it",
            "class 'site_syslog::relay' is not defined here, where Puppet looks for it",
            "class 'other::thing' is not in module 'site_syslog'",
        ]);
        error.Problems[1].Location.File.ShouldBe(Path.Combine(module, "manifests", "relay.pp"));
    }

    [Theory]
    [InlineData("Site-Syslog", "is not a Puppet module name")]
    [InlineData("hello", "the appliance has a module called 'hello' itself")]
    public async Task A_module_name_puppet_cannot_take_or_that_shadows_the_appliances_own_is_refused(string name, string message)
    {
        // Given
        var module = Module(name, ("manifests/init.pp", $"class {name.ToLowerInvariant().Replace('-', '_')} {{\n}}\n"));

        // When
        var error = await Should.ThrowAsync<SitePuppetInvalidException>(() => SitePuppet.InspectAsync(module, [], SiteModuleKind.Addition, ["hello"], Ct));

        // Then
        error.Problems.Select(problem => problem.Message).ShouldContain(text => text.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_module_changed_after_it_was_added_is_not_written_to_a_disk()
    {
        // Given
        var module = Module("site_note", ("manifests/init.pp", "class site_note {\n}\n"));
        var inspected = await SitePuppet.InspectAsync(module, [], SiteModuleKind.Addition, null, Ct);
        await File.AppendAllTextAsync(Path.Combine(module, "manifests", "init.pp"), "# edited\n", Ct);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => ConfigDisk.WriteAsync(Spec(new SiteModuleSource(inspected, module)), _folder["config.iso"], Ct));

        // Then
        error.Message.ShouldContain("no longer holds site Puppet module site_note");
        File.Exists(_folder["config.iso"]).ShouldBeFalse();
    }
}
