using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shouldly;
using VirtAppliance.EndToEnd.Tests;
using VirtAppliance.Web.Contracts;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>
/// The API's store and site verbs (trust, notify, watch, remote, search, install by name, update --check and --all, config diff and
/// puppet, vms --repair, adopt) through the real server: reads answer exactly the CLI's --json, changes do their verb's work, and
/// failures answer the HTTP status of the CLI's exit code.
/// </summary>
public class RestApiMoreTests
{
    private static async Task<JsonNode> SameAsCliAsync(HttpClient client, string root, string path, params string[] cli)
    {
        var api = (await Api.GetAsync(client, path)).Expect(HttpStatusCode.OK);
        var printed = await CliRunner.InStoreAsync(root, [.. cli, "--json"]);
        printed.ExitCode.ShouldBe(0, printed.ToString());
        JsonNode.DeepEquals(api, JsonNode.Parse(printed.Stdout)).ShouldBeTrue($"{path} differs from {string.Join(' ', cli)} --json:\n{api.ToJsonString()}\n{printed.Stdout}");
        return api;
    }

    /// <summary>The request fails with the HTTP status of the exit code the same verb ends with on the command line.</summary>
    private static async Task FailsAsTheCliAsync((HttpStatusCode Status, JsonNode? Body) answer, string root, int exitCode, params string[] cli)
    {
        exitCode.ShouldNotBe(0);
        var printed = await CliRunner.InStoreAsync(root, [.. cli, "--json"]);
        printed.ExitCode.ShouldBe(exitCode, printed.ToString());
        ((int)answer.Status).ShouldBe(ExitCodes.HttpStatus(exitCode), answer.Body?.ToJsonString());
        answer.Body!["error"]!["exit_code"]!.GetValue<int>().ShouldBe(exitCode);
    }

    [Fact]
    public async Task Trust_notify_watch_remotes_search_and_install_by_name_do_their_verbs_work()
    {
        // Given an empty store served, a supplier's key, and a signed repository with tiny 1.0 (stable) and 2.0 (testing)
        using var work = new TemporaryFolder();
        var root = Path.Combine(work.Path, "store");
        await using var server = await ServeProcess.StartAsync(root);
        var client = server.Client;
        using var supplier = new GnuPg("Repository Root <root@example.org>");
        var fingerprint = supplier.Run("--with-colons", "--fingerprint").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        var publicKey = await File.ReadAllTextAsync(supplier.PublicKeyPath, TestContext.Current.CancellationToken);
        var repo = Path.Combine(work.Path, "repo");
        using var repository = new RepositoryServer(repo);
        var packages = await TinyAppliances.PackagesAsync();
        (await CliRunner.InProcessAsync("repo", "init", repo, "--key", supplier.SecretKeyPath)).ExitCode.ShouldBe(0);
        (await CliRunner.InProcessAsync("repo", "add", repo, Path.Combine(packages, "tiny-1.0.vapp"))).ExitCode.ShouldBe(0);
        (await CliRunner.InProcessAsync("repo", "add", repo, Path.Combine(packages, "tiny-2.0.vapp"), "--channel", "testing")).ExitCode.ShouldBe(0);
        (await CliRunner.InProcessAsync("repo", "publish", repo, "--key", supplier.SecretKeyPath)).ExitCode.ShouldBe(0);

        // Trust: the key's text added through the API is what trust list shows, and it can be removed once
        var trusted = (await Api.PostAsync(client, "/api/v1/trust", JsonSerializer.Serialize(new { key = publicKey }))).Expect(HttpStatusCode.OK);
        trusted[0]!["fingerprint"]!.GetValue<string>().ShouldBe(fingerprint);
        (await SameAsCliAsync(client, root, "/api/v1/trust", "trust", "list"))[0]!["user_id"]!.GetValue<string>().ShouldBe(supplier.UserId);
        (await Api.DeleteAsync(client, $"/api/v1/trust/{fingerprint}")).Expect(HttpStatusCode.OK)["fingerprint"]!.GetValue<string>().ShouldBe(fingerprint);
        (await SameAsCliAsync(client, root, "/api/v1/trust", "trust", "list")).AsArray().ShouldBeEmpty();
        await FailsAsTheCliAsync(await Api.DeleteAsync(client, $"/api/v1/trust/{fingerprint}"), root, 7, "trust", "remove", fingerprint);
        var notAKey = work.Write("not-a-key.asc", "not a key\n");
        await FailsAsTheCliAsync(await Api.PostAsync(client, "/api/v1/trust", """{"key": "not a key\n"}"""), root,
            (await CliRunner.InStoreAsync(root, "trust", "add", notAKey)).ExitCode, "trust", "add", notAKey);

        // Notify: a webhook whose header is a secret; the API never answers the secret back, and list equals the CLI's
        const string secret = "Bearer s3cr3t-never-shown";
        var added = (await Api.PostAsync(client, "/api/v1/notify/webhook",
            $$"""{"name": "hook", "url": "http://127.0.0.1:9/alerts", "headers": {"Authorization": "{{secret}}"}, "attempts": 1, "backoff": 0.1}""")).Expect(HttpStatusCode.OK);
        added.ToJsonString().ShouldNotContain("s3cr3t");
        var listed = await SameAsCliAsync(client, root, "/api/v1/notify", "notify", "list");
        listed.ToJsonString().ShouldNotContain("s3cr3t");
        listed[0]!["name"]!.GetValue<string>().ShouldBe("hook");
        listed[0]!["kind"]!.GetValue<string>().ShouldBe("webhook");
        (await Api.PostAsync(client, "/api/v1/notify/email", """{"name": "ops", "host": "127.0.0.1", "from": "va@example.org", "to": ["ops@example.org"], "tls": "sometimes"}"""))
            .Expect(HttpStatusCode.UnprocessableEntity)["error"]!["exit_code"]!.GetValue<int>().ShouldBe(3);

        // A test alert to a port where nothing listens is not delivered: 502 (exit 6) with the report
        var test = (await Api.PostAsync(client, "/api/v1/notify/test?name=hook")).Expect(HttpStatusCode.BadGateway);
        test[0]!["channel"]!.GetValue<string>().ShouldBe("hook");
        test[0]!["delivered"]!.GetValue<bool>().ShouldBeFalse();
        (await Api.DeleteAsync(client, "/api/v1/notify/hook")).Expect(HttpStatusCode.OK).AsArray().ShouldBeEmpty();
        await FailsAsTheCliAsync(await Api.DeleteAsync(client, "/api/v1/notify/hook"), root, 7, "notify", "remove", "hook");

        // Watch: one pass over a store without VMs answers what watch --once --json prints, but for the time of the pass
        var pass = (await Api.PostAsync(client, "/api/v1/watch")).Expect(HttpStatusCode.OK).AsObject();
        var watched = JsonNode.Parse((await CliRunner.InStoreAsync(root, "watch", "--once", "--json")).Stdout)!.AsObject();
        pass.Remove("at").ShouldBeTrue();
        watched.Remove("at").ShouldBeTrue();
        JsonNode.DeepEquals(pass, watched).ShouldBeTrue($"{pass.ToJsonString()}\n{watched.ToJsonString()}");
        pass["vms"]!.GetValue<int>().ShouldBe(0);

        // Remote: without a key or fingerprint it is a usage error naming the root key (as remote add --json, exit 2); with the key's text it is added
        var noKey = (await Api.PostAsync(client, "/api/v1/remotes", JsonSerializer.Serialize(new { name = "acme", url = repository.Url }))).Expect(HttpStatusCode.BadRequest);
        noKey["error"]!["message"]!.GetValue<string>().ShouldContain(supplier.UserId);
        var remote = (await Api.PostAsync(client, "/api/v1/remotes", JsonSerializer.Serialize(new { name = "acme", url = repository.Url, key = publicKey }))).Expect(HttpStatusCode.Created);
        remote["name"]!.GetValue<string>().ShouldBe("acme");
        await SameAsCliAsync(client, root, "/api/v1/remotes", "remote", "list");

        // Search sees what the remote offers, as the CLI does
        var found = await SameAsCliAsync(client, root, "/api/v1/search?term=tiny&channel=testing", "search", "tiny", "--channel", "testing");
        found.AsArray().Select(item => item!["target"]!["version"]!.GetValue<string>()).ShouldBe(["2.0", "1.0"]);

        // Install by name from the remote: the newest of the stable channel
        var installed = (await Api.PostAsync(client, "/api/v1/appliances", """{"package": "tiny", "allow_unsigned": true}""")).Expect(HttpStatusCode.OK);
        installed["chosen"]!["target"]!["version"]!.GetValue<string>().ShouldBe("1.0");
        installed["installed"]!["appliance"]!["id"]!.GetValue<string>().ShouldBe("tiny@1.0-1");
        (await Api.GetAsync(client, "/api/v1/appliances")).Expect(HttpStatusCode.OK).AsArray().Select(a => a!["id"]!.GetValue<string>()).ShouldBe(["tiny@1.0-1"]);
        await FailsAsTheCliAsync(await Api.PostAsync(client, "/api/v1/appliances", """{"package": "nothing@9.9"}"""), root, 7, "install", "nothing@9.9");
        await SameAsCliAsync(client, root, "/api/v1/updates?channel=testing", "update", "--check", "--channel", "testing");

        // Remove the remote; removing it again fails as the CLI does
        (await Api.DeleteAsync(client, "/api/v1/remotes/acme")).Expect(HttpStatusCode.OK)["removed"]!["name"]!.GetValue<string>().ShouldBe("acme");
        (await SameAsCliAsync(client, root, "/api/v1/remotes", "remote", "list")).AsArray().ShouldBeEmpty();
        await FailsAsTheCliAsync(await Api.DeleteAsync(client, "/api/v1/remotes/acme"), root, 7, "remote", "remove", "acme");

        // Adopt of a folder that is not in the store fails as the CLI does
        await FailsAsTheCliAsync(await Api.PostAsync(client, "/api/v1/appliances/nothing@1.0-1/adopt"), root, 7, "adopt", "nothing@1.0-1");
    }

    [Fact]
    public async Task Config_diff_puppet_update_all_and_repair_answer_what_the_CLI_prints()
    {
        // Given the tiny versions installed, the server, and a VM of tiny 1.0
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        await using var server = await ServeProcess.StartAsync(root);
        var client = server.Client;
        var name = Api.Name("more");
        try
        {
            (await Api.PostAsync(client, "/api/v1/vms", $$"""{"appliance": "tiny@1.0", "name": "{{name}}", "start": false}""")).Expect(HttpStatusCode.Created);

            // Update --all moves every VM of tiny to 2.0
            var updated = (await Api.PostAsync(client, "/api/v1/appliances/tiny/update-all", """{"to": "2.0", "values": {"mail_host": "mail.example.org"}}""")).Expect(HttpStatusCode.OK);
            updated.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe(name);
            updated[0]!["to"]!.GetValue<string>().ShouldBe("2.0-1");
            (await Api.PostAsync(client, "/api/v1/appliances/nothing/update-all", "{}")).Status.ShouldNotBe(HttpStatusCode.OK);

            // Config diff and puppet list answer exactly the CLI's --json
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/config", """{"set": {"greeting": "bonjour"}}""")).Expect(HttpStatusCode.OK);
            var diff = await SameAsCliAsync(client, root, $"/api/v1/vms/{name}/config/diff", "config", name, "diff");
            diff["has_pending"]!.GetValue<bool>().ShouldBeTrue();
            var puppet = await SameAsCliAsync(client, root, $"/api/v1/vms/{name}/config/puppet", "config", name, "puppet", "list");
            puppet["modules"]!.AsArray().ShouldBeEmpty();

            // Puppet add of a folder that does not exist, and remove of a module the VM does not have, fail as the CLI does
            var missing = Path.Combine(work.Path, "no-such-module");
            await FailsAsTheCliAsync(await Api.PostAsync(client, $"/api/v1/vms/{name}/config/puppet", JsonSerializer.Serialize(new { folder = missing })),
                root, (await CliRunner.InStoreAsync(root, "config", name, "puppet", "add", missing)).ExitCode, "config", name, "puppet", "add", missing);
            await FailsAsTheCliAsync(await Api.DeleteAsync(client, $"/api/v1/vms/{name}/config/puppet/site_none"),
                root, (await CliRunner.InStoreAsync(root, "config", name, "puppet", "remove", "site_none")).ExitCode, "config", name, "puppet", "remove", "site_none");

            // vms --repair with nothing to repair answers the VMs as vms --json lists them
            var repaired = (await Api.PostAsync(client, "/api/v1/vms/repair")).Expect(HttpStatusCode.OK);
            var printed = await CliRunner.InStoreAsync(root, "vms", "--json");
            JsonNode.DeepEquals(repaired, JsonNode.Parse(printed.Stdout)).ShouldBeTrue($"{repaired.ToJsonString()}\n{printed.Stdout}");
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }
}
