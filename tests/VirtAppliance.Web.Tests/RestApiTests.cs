using System.Net;
using System.Text.Json.Nodes;
using Shouldly;
using VirtAppliance.EndToEnd.Tests;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>
/// The REST API through the real server (its own process, a free loopback port) on the system libvirt with the tiny appliance:
/// each verb answers what the CLI's --json prints, failures answer the CLI's error with the HTTP status of its exit code.
/// </summary>
public class RestApiTests
{
    [Fact]
    public async Task Each_verb_through_the_API_answers_the_JSON_the_CLI_prints()
    {
        // Given a store with tiny 1.0 and 2.0 and the server over it
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        await using var server = await ServeProcess.StartAsync(root);
        var client = server.Client;
        var name = Api.Name("api");
        try
        {
            // When a VM is deployed through the API
            var deployed = (await Api.PostAsync(client, "/api/v1/vms", $$"""{"appliance": "tiny@1.0", "name": "{{name}}", "start": false}""")).Expect(HttpStatusCode.Created);

            // Then it answers deploy --json's shape, and vms, list and config show answer exactly what the CLI prints
            deployed[0]!["name"]!.GetValue<string>().ShouldBe(name);
            deployed[0]!["state"]!.GetValue<string>().ShouldBe("shut off");
            foreach (var (path, cli) in new[] { ("/api/v1/vms", new[] { "vms", "--json" }), ("/api/v1/appliances", ["list", "--json"]), ($"/api/v1/vms/{name}/config", ["config", name, "show", "--json"]) })
            {
                var api = (await Api.GetAsync(client, path)).Expect(HttpStatusCode.OK);
                var printed = await CliRunner.InStoreAsync(root, cli);
                printed.ExitCode.ShouldBe(0, printed.ToString());
                JsonNode.DeepEquals(api, JsonNode.Parse(printed.Stdout)).ShouldBeTrue($"{path} differs from {string.Join(' ', cli)}:\n{api.ToJsonString()}\n{printed.Stdout}");
            }

            // And start, stop, update, config, rollback and undeploy each do their verb's work
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/start", """{"wait": false}""")).Expect(HttpStatusCode.OK)["state"]!.GetValue<string>().ShouldBe("running");
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/stop", """{"force": true}""")).Expect(HttpStatusCode.OK)["state"]!.GetValue<string>().ShouldBe("shut off");
            var updated = (await Api.PostAsync(client, $"/api/v1/vms/{name}/update", """{"to": "2.0", "values": {"mail_host": "mail.example.org"}}""")).Expect(HttpStatusCode.OK);
            updated[0]!["to"]!.GetValue<string>().ShouldBe("2.0-1");
            updated[0]!["changed"]!.GetValue<bool>().ShouldBeTrue();
            var staged = (await Api.PostAsync(client, $"/api/v1/vms/{name}/config", """{"set": {"greeting": "bonjour"}}""")).Expect(HttpStatusCode.OK);
            staged["has_pending"]!.GetValue<bool>().ShouldBeTrue();
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/config/apply", """{"restart": false}""")).Expect(HttpStatusCode.OK)["has_pending"]!.GetValue<bool>().ShouldBeFalse();
            (await Api.GetAsync(client, $"/api/v1/vms/{name}")).Expect(HttpStatusCode.OK)["site_values"]!["greeting"]!.GetValue<string>().ShouldBe("bonjour");
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/rollback")).Expect(HttpStatusCode.OK)["to"]!.GetValue<string>().ShouldBe("1.0-1");
            var gone = (await Api.DeleteAsync(client, $"/api/v1/vms/{name}?delete_data=true")).Expect(HttpStatusCode.OK);
            gone["undeployed"]!.GetValue<string>().ShouldBe(name);
            gone["kept_user_disks"]!.AsArray().ShouldBeEmpty();
            (await Api.GetAsync(client, $"/api/v1/vms/{name}")).Expect(HttpStatusCode.NotFound)["error"]!["exit_code"]!.GetValue<int>().ShouldBe(7);
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    [Fact]
    public async Task Failures_answer_the_CLIs_error_with_the_HTTP_status_of_its_exit_code()
    {
        // Given a server and a VM deployed from tiny 1.0
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        await using var server = await ServeProcess.StartAsync(root);
        var client = server.Client;
        var name = Api.Name("err");
        try
        {
            (await Api.PostAsync(client, "/api/v1/vms", $$"""{"appliance": "tiny@1.0", "name": "{{name}}", "start": false}""")).Expect(HttpStatusCode.Created);

            // When the same name is deployed again: 409, the error the CLI prints for it (exit 8)
            var conflict = (await Api.PostAsync(client, "/api/v1/vms", $$"""{"appliance": "tiny@1.0", "name": "{{name}}", "start": false}""")).Expect(HttpStatusCode.Conflict);
            var cli = await CliRunner.InStoreAsync(root, "deploy", "tiny@1.0", "--name", name, "--no-start", "--json");
            cli.ExitCode.ShouldBe(8);
            JsonNode.DeepEquals(conflict, JsonNode.Parse(cli.Stdout)).ShouldBeTrue($"{conflict.ToJsonString()}\n{cli.Stdout}");

            // Then each class of failure has its status
            (await Api.PostAsync(client, "/api/v1/vms", $$$"""{"appliance": "tiny@2.0", "name": "{{{name}}}x", "start": false, "values": {"mail_host": "m.example.org", "nope": "1"}}"""))
                .Expect(HttpStatusCode.UnprocessableEntity)["error"]!["exit_code"]!.GetValue<int>().ShouldBe(3);
            (await Api.PostAsync(client, "/api/v1/vms", "{not json")).Status.ShouldBe(HttpStatusCode.BadRequest);
            (await Api.GetAsync(client, "/api/v1/appliances/nothing@9.9/check")).Expect(HttpStatusCode.NotFound)["error"]!["kind"]!.GetValue<string>().ShouldBe("not_found");
            (await Api.DeleteAsync(client, "/api/v1/appliances/tiny@1.0")).Expect(HttpStatusCode.Conflict)["error"]!["exit_code"]!.GetValue<int>().ShouldBe(8);
            (await Api.PostAsync(client, $"/api/v1/vms/{name}/stop", """{"timeout_seconds": 0}""")).Expect(HttpStatusCode.UnprocessableEntity);
            (await Api.GetAsync(client, "/api/v1/appliances/tiny@1.0/check")).Expect(HttpStatusCode.OK)["fits"]!.GetValue<bool>().ShouldBeTrue();
            (await Api.PostAsync(client, "/api/v1/appliances/tiny@1.0/verify")).Expect(HttpStatusCode.OK)[0]!["intact"]!.GetValue<bool>().ShouldBeTrue();
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_verb_of_the_API()
    {
        using var work = new TemporaryFolder();
        var root = Path.Combine(work.Path, "store");
        await using var server = await ServeProcess.StartAsync(root);

        var document = (await Api.GetAsync(server.Client, "/openapi/v1.json")).Expect(HttpStatusCode.OK);

        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(method => method.Value!["operationId"]?.GetValue<string>())).ToList();
        operations.ShouldBe(["list", "install", "inspect", "remove", "verify", "check", "gc", "vms", "deploy", "vm", "undeploy", "start", "stop", "update", "rollback",
            "config-show", "config-set", "config-apply", "status-all", "status", "config-threshold", "grow", "events",
            "update-all", "update-check", "config-diff", "puppet-list", "puppet-add", "puppet-remove", "trust-list", "trust-add", "trust-remove", "watch",
            "notify-list", "notify-add-email", "notify-add-webhook", "notify-remove", "notify-test", "remote-list", "remote-add", "remote-remove", "search",
            "vms-repair", "adopt"], ignoreOrder: true);
        document["components"]!["schemas"]!["VmJson"]!["properties"]!.AsObject().Select(property => property.Key).ShouldContain("package_sha256");
    }

    [Fact]
    public async Task Only_loopback_goes_without_a_token_and_a_token_is_checked_on_every_request()
    {
        using var work = new TemporaryFolder();
        var root = Path.Combine(work.Path, "store");

        // When serve is asked to listen on every address without a token: it refuses and says why (exit 2), binding nothing
        var refused = await CliRunner.InProcessAsync("serve", "--listen", "0.0.0.0:0", "--root", root);
        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.Stderr.ShouldContain("requires a token: give --token-file FILE");

        // Given a server started with a token
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var tokenFile = work.Write("token", token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var server = await ServeProcess.StartAsync(root, tokenFile: tokenFile);
        using var anonymous = new HttpClient { BaseAddress = server.Url };
        using var wrong = new HttpClient { BaseAddress = server.Url };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", token[..^1] + (token[^1] == '0' ? '1' : '0'));
        using var right = new HttpClient { BaseAddress = server.Url };
        right.DefaultRequestHeaders.Authorization = new("Bearer", token);

        // Then the API, metrics and events refuse requests without it or with another (401), and serve those with it
        foreach (var path in new[] { "/api/v1/vms", "/metrics", "/openapi/v1.json" })
        {
            (await anonymous.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await wrong.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            (await right.GetAsync(path, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }
        // And the page sends a browser to sign in; the token never shows in what the server printed
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Url };
        var page = await noRedirect.GetAsync("/", TestContext.Current.CancellationToken);
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldBe("/login");
        server.Log.ShouldNotContain(token);
    }

    [Fact]
    public async Task Forms_without_the_antiforgery_token_and_requests_naming_another_host_are_refused()
    {
        using var work = new TemporaryFolder();
        var root = Path.Combine(work.Path, "store");
        await using var server = await ServeProcess.StartAsync(root);

        // A form posted from elsewhere (no antiforgery cookie and field)
        using var form = new FormUrlEncodedContent([new("delete_data", "true")]);
        var forged = await server.Client.PostAsync("/vms/anything/undeploy", form, TestContext.Current.CancellationToken);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await forged.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Form expired");

        // A page elsewhere whose name was rebound to 127.0.0.1
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/v1/vms");
        rebound.Headers.Host = "attacker.example";
        (await server.Client.SendAsync(rebound, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Events_report_a_VMs_lifecycle_as_libvirt_sees_it()
    {
        // Given a VM and a client following /events
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        await using var server = await ServeProcess.StartAsync(root);
        var name = Api.Name("sse");
        try
        {
            (await CliRunner.InStoreAsync(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);
            using var stream = await server.Client.GetStreamAsync("/events", TestContext.Current.CancellationToken);
            using var reader = new StreamReader(stream);
            (await reader.ReadLineAsync(TestContext.Current.CancellationToken)).ShouldBe("event: ready");

            // When the CLI (another process's work, not the server's) starts it
            (await CliRunner.InStoreAsync(root, "start", name, "--no-wait")).ExitCode.ShouldBe(0);

            // Then the stream says it started and runs
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            string? data = null;
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains(name, StringComparison.Ordinal) && line.Contains("\"started\"", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                    break;
                }
            }
            var started = JsonNode.Parse(data!)!;
            started["kind"]!.GetValue<string>().ShouldBe("started");
            started["state"]!.GetValue<string>().ShouldBe("running");
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }
}
