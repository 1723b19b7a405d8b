using System.Text;
using System.Text.Json;
using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace VirtAppliance.Core.Tests.Configuration;

/// <summary>
/// Config disks made with the real xorriso and read back with a different implementation, genisoimage's
/// isoinfo (both from scripts/prereqs.sh); a missing tool fails the test.
/// </summary>
public sealed class ConfigDiskTests : IDisposable
{
    private static readonly Guid Uuid = Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E");

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ConfigDiskSpec Spec(string? mac = "52:54:00:AB:cd:01", StatelessLayout? stateless = null)
    {
        var values = SiteValues.Resolve(SampleParameters.All, new Dictionary<string, string>(SampleParameters.Required()) { ["banner"] = "Mail & <Co>: \"ünïcode\"" });
        return new ConfigDiskSpec(
            ConfigDisk.NewInstanceId(Uuid, 3),
            "relay-1",
            Uuid,
            [
                new RenderedFile("/etc/relay/relay.conf", "host = mail.example.com\npassword = s3cr3t-Pa55\n", "0600"),
                new RenderedFile("/etc/motd", "key: 'quoted' # not a comment\n---\n- list\n", "0644"),
            ],
            values,
            mac,
            stateless);
    }

    /// <summary>A file of the image as isoinfo reads it through Rock Ridge.</summary>
    private static string Extract(string iso, string path) => Tools.Run("isoinfo", "-R", "-i", iso, "-x", path);

    /// <summary>isoinfo's Rock Ridge listing: path → mode string such as <c>-rw-------</c>.</summary>
    private static Dictionary<string, string> Modes(string iso)
    {
        var modes = new Dictionary<string, string>(StringComparer.Ordinal);
        var folder = "/";
        foreach (var line in Tools.Run("isoinfo", "-R", "-l", "-i", iso).Split('\n'))
        {
            if (line.StartsWith("Directory listing of ", StringComparison.Ordinal))
                folder = line["Directory listing of ".Length..].Trim();
            else if (line.Length > 10 && line[0] is '-' or 'd')
            {
                var name = line[(line.LastIndexOf(']') + 1)..].Trim();
                if (name is not ("." or ".."))
                    modes[folder + name] = line[..10];
            }
        }
        return modes;
    }

    [Fact]
    public async Task The_disk_is_a_cidata_volume_with_every_file_of_the_layout()
    {
        // Given a spec with two files, a MAC address and a stateless layout
        var stateless = new StatelessLayout(["/var/lib/relay"], [new("/var/log", TemporaryPathKind.Dirs)], SourceLocation.None);
        var iso = _folder["config.iso"];

        // When the disk is written
        await ConfigDisk.WriteAsync(Spec(stateless: stateless), iso, TestContext.Current.CancellationToken);

        // Then isoinfo sees volume id cidata and the files, with the modes they need
        Tools.Run("isoinfo", "-d", "-i", iso).ShouldContain("Volume id: cidata");
        Extract(iso, "/meta-data").ShouldBe("instance-id: iid-0f8fad5bd9cb-3\nlocal-hostname: relay-1\n");
        Extract(iso, "/machine-id").ShouldBe("0f8fad5bd9cb469fa16570867728950e\n");
        Extract(iso, "/files/etc/relay/relay.conf").ShouldBe("host = mail.example.com\npassword = s3cr3t-Pa55\n");
        Extract(iso, "/files/etc/motd").ShouldBe("key: 'quoted' # not a comment\n---\n- list\n");
        Extract(iso, "/stateless/rwtab").ShouldBe(StatelessTabs.Rwtab(stateless));
        Extract(iso, "/stateless/statetab").ShouldBe(StatelessTabs.Statetab(stateless));
        var modes = Modes(iso);
        modes.Keys.Order(StringComparer.Ordinal).ShouldBe(
        [
            "/files", "/files/etc", "/files/etc/motd", "/files/etc/relay", "/files/etc/relay/relay.conf",
            "/machine-id", "/meta-data", "/network-config", "/secrets.json", "/stateless", "/stateless/rwtab",
            "/stateless/statetab", "/user-data", "/values.json",
        ]);
        modes["/secrets.json"].ShouldBe("-rw-------");
        modes["/files/etc/relay/relay.conf"].ShouldBe("-rw-------");
        modes["/values.json"].ShouldBe("-rw-r--r--");
        modes["/files/etc"].ShouldBe("drwxr-xr-x");
        File.GetUnixFileMode(iso).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task User_data_is_cloud_config_whose_files_decode_to_the_rendered_files()
    {
        // Given a disk with two rendered files
        var iso = _folder["config.iso"];
        var spec = Spec();
        await ConfigDisk.WriteAsync(spec, iso, TestContext.Current.CancellationToken);

        // When its user-data is parsed as YAML
        var text = Extract(iso, "/user-data");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var root = (YamlMappingNode)yaml.Documents.ShouldHaveSingleItem().RootNode;

        // Then it is #cloud-config and each write_files entry decodes to its file, with path, owner and mode
        text.ShouldStartWith("#cloud-config\n");
        var entries = ((YamlSequenceNode)root["write_files"]).Children.Cast<YamlMappingNode>().ToList();
        entries.Count.ShouldBe(spec.Files.Count);
        foreach (var (entry, file) in entries.Zip(spec.Files))
        {
            ((YamlScalarNode)entry["path"]).Value.ShouldBe(file.GuestPath);
            ((YamlScalarNode)entry["permissions"]).Value.ShouldBe(file.Mode);
            ((YamlScalarNode)entry["owner"]).Value.ShouldBe("root:root");
            ((YamlScalarNode)entry["encoding"]).Value.ShouldBe("b64");
            Encoding.UTF8.GetString(Convert.FromBase64String(((YamlScalarNode)entry["content"]).Value!)).ShouldBe(file.Content);
        }
    }

    [Fact]
    public async Task Network_config_matches_the_NIC_by_its_MAC_and_asks_for_DHCP()
    {
        // Given a disk for a NIC
        var iso = _folder["config.iso"];
        await ConfigDisk.WriteAsync(Spec(), iso, TestContext.Current.CancellationToken);

        // When its network-config is parsed
        var yaml = new YamlStream();
        yaml.Load(new StringReader(Extract(iso, "/network-config")));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;

        // Then it is version 2 with one ethernet, matched by the MAC in lower case, on DHCP
        ((YamlScalarNode)root["version"]).Value.ShouldBe("2");
        var eth0 = (YamlMappingNode)((YamlMappingNode)root["ethernets"])["eth0"];
        ((YamlScalarNode)((YamlMappingNode)eth0["match"])["macaddress"]).Value.ShouldBe("52:54:00:ab:cd:01");
        ((YamlScalarNode)eth0["set-name"]).Value.ShouldBe("eth0");
        ((YamlScalarNode)eth0["dhcp4"]).Value.ShouldBe("true");
    }

    [Fact]
    public async Task Without_a_MAC_or_stateless_layout_those_files_are_left_out()
    {
        // Given a spec without MAC and without stateless layout
        var iso = _folder["config.iso"];

        // When the disk is written
        await ConfigDisk.WriteAsync(Spec(mac: null), iso, TestContext.Current.CancellationToken);

        // Then there is no network-config and no stateless folder
        var modes = Modes(iso);
        modes.ShouldNotContainKey("/network-config");
        modes.ShouldNotContainKey("/stateless");
    }

    [Fact]
    public async Task Values_json_holds_the_public_values_and_secrets_json_the_passwords()
    {
        // Given a disk
        var iso = _folder["config.iso"];
        var spec = Spec();
        await ConfigDisk.WriteAsync(spec, iso, TestContext.Current.CancellationToken);

        // When both JSON files are read by isoinfo
        var publicValues = JsonSerializer.Deserialize<Dictionary<string, string>>(Extract(iso, "/values.json"))!;
        var secrets = JsonSerializer.Deserialize<Dictionary<string, string>>(Extract(iso, "/secrets.json"))!;

        // Then the password is only in secrets.json
        publicValues.ShouldBe(spec.Values.Public, ignoreOrder: true);
        publicValues["banner"].ShouldBe("Mail & <Co>: \"ünïcode\"");
        Extract(iso, "/values.json").ShouldNotContain("s3cr3t");
        secrets.ShouldBe(new Dictionary<string, string> { ["admin_password"] = "s3cr3t-Pa55" });
    }

    [Fact]
    public async Task Secrets_and_public_values_are_read_back_from_the_disk()
    {
        // Given a disk
        var iso = _folder["config.iso"];
        var spec = Spec();
        await ConfigDisk.WriteAsync(spec, iso, TestContext.Current.CancellationToken);

        // When the tool reads its values back
        var secrets = await ConfigDisk.ReadSecretsAsync(iso, TestContext.Current.CancellationToken);
        var publicValues = await ConfigDisk.ReadPublicValuesAsync(iso, TestContext.Current.CancellationToken);

        // Then they are what was written
        secrets.ShouldBe(spec.Values.Secrets, ignoreOrder: true);
        publicValues.ShouldBe(spec.Values.Public, ignoreOrder: true);
    }

    [Fact]
    public async Task Writing_again_replaces_the_disk_and_leaves_no_staging_behind()
    {
        // Given a disk written once
        var iso = _folder["config.iso"];
        await ConfigDisk.WriteAsync(Spec(), iso, TestContext.Current.CancellationToken);

        // When it is written again with another instance id
        await ConfigDisk.WriteAsync(Spec() with { InstanceId = ConfigDisk.NewInstanceId(Uuid, 4) }, iso, TestContext.Current.CancellationToken);

        // Then the new one is in place and the folder holds nothing else
        Extract(iso, "/meta-data").ShouldStartWith("instance-id: iid-0f8fad5bd9cb-4\n");
        Directory.EnumerateFileSystemEntries(_folder.Path).ShouldBe([iso]);
    }

    [Fact]
    public async Task A_bad_spec_writes_nothing()
    {
        // Given a file path that would leave files/
        var iso = _folder["config.iso"];
        var spec = Spec() with { Files = [new RenderedFile("/etc/../../escape", "x", "0644")] };

        // When the disk is written
        await Should.ThrowAsync<InvalidInputException>(() => ConfigDisk.WriteAsync(spec, iso, TestContext.Current.CancellationToken));

        // Then nothing is there
        Directory.EnumerateFileSystemEntries(_folder.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Reading_a_disk_that_is_not_there_is_not_found()
    {
        // Given no disk
        // When its secrets are read
        // Then it is not found
        await Should.ThrowAsync<NotFoundException>(() => ConfigDisk.ReadSecretsAsync(_folder["none.iso"], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reading_secrets_from_another_iso_is_refused()
    {
        // Given an ISO without secrets.json, made by xorriso directly
        Directory.CreateDirectory(_folder["other"]);
        File.WriteAllText(_folder["other/readme"], "hello");
        Tools.Run("xorriso", "-as", "mkisofs", "-quiet", "-V", "other", "-r", "-o", _folder["other.iso"], _folder["other"]);

        // When its secrets are read
        var error = await Should.ThrowAsync<InvalidInputException>(() => ConfigDisk.ReadSecretsAsync(_folder["other.iso"], TestContext.Current.CancellationToken));

        // Then it is not a config disk
        error.Message.ShouldContain("has no readable /secrets.json");
    }

    [Fact]
    public void An_instance_id_has_the_uuid_prefix_and_the_generation()
    {
        // Given a VM's uuid
        // When instance ids are made
        // Then they differ by generation
        ConfigDisk.NewInstanceId(Uuid, 1).ShouldBe("iid-0f8fad5bd9cb-1");
        ConfigDisk.NewInstanceId(Uuid, 2).ShouldBe("iid-0f8fad5bd9cb-2");
    }
}
