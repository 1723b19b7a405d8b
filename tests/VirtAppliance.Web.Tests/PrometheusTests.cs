using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shouldly;
using VirtAppliance.EndToEnd.Tests;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>A real Prometheus (Debian's) scrapes serve's /metrics and evaluates the sample rules of examples/prometheus.</summary>
public partial class PrometheusTests
{
    private static readonly string Rules = Path.Combine(CliRunner.RepositoryRoot, "examples", "prometheus", "virt-appliance-rules.yml");

    [Fact]
    public async Task Prometheus_scrapes_the_VMs_and_the_sample_rule_fires_for_a_VM_that_is_not_running()
    {
        // Given a VM that is defined but not running, and serve over its store
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Api.Name("prom");
        (await CliRunner.InStoreAsync(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);
        try
        {
            await using var server = await ServeProcess.StartAsync(root);

            // And a real Prometheus scraping it every second with the example's rules (their 'for:' shortened to 0s)
            Tools.Run("promtool", "check", "rules", Rules);
            var rules = ForClause().Replace(await File.ReadAllTextAsync(Rules, TestContext.Current.CancellationToken), "for: 0s");
            await File.WriteAllTextAsync(Path.Combine(work.Path, "rules.yml"), rules, TestContext.Current.CancellationToken);
            var config = work.Write("prometheus.yml", $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yml]
                scrape_configs:
                  - job_name: virt-appliance
                    static_configs:
                      - targets: ["{server.Url.Authority}"]
                """);
            var port = FreePort();
            using var prometheus = Process.Start(new ProcessStartInfo("/usr/bin/prometheus",
                [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(work.Path, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

                // When it has scraped
                var running = await PollAsync(client, $"/api/v1/query?query=virt_appliance_vm_up{{vm=\"{name}\"}}",
                    body => body["data"]!["result"]!.AsArray().FirstOrDefault());

                // Then it has the VM's state (0: shut off) with its appliance and version as labels
                running["metric"]!["appliance"]!.GetValue<string>().ShouldBe("tiny");
                running["metric"]!["version"]!.GetValue<string>().ShouldBe("1.0-1");
                running["value"]![1]!.GetValue<string>().ShouldBe("0");

                // And the sample rule's alert fires for it
                var alert = await PollAsync(client, "/api/v1/alerts", body => body["data"]!["alerts"]!.AsArray()
                    .FirstOrDefault(alert => alert!["labels"]!["alertname"]!.GetValue<string>() == "VirtApplianceVmNotRunning"
                        && alert["labels"]!["vm"]!.GetValue<string>() == name && alert["state"]!.GetValue<string>() == "firing"));
                alert["annotations"]!["summary"]!.GetValue<string>().ShouldBe($"{name} (tiny 1.0-1) is not running");

                // Measured, not asserted: how long serve's /metrics takes (Prometheus's view and ours)
                var scrape = await PollAsync(client, "/api/v1/query?query=scrape_duration_seconds{job=\"virt-appliance\"}", body => body["data"]!["result"]!.AsArray().FirstOrDefault());
                var timer = Stopwatch.StartNew();
                for (var i = 0; i < 20; i++)
                    await server.Client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
                Measurements.Record($"/metrics: Prometheus scrape_duration_seconds {scrape["value"]![1]}, 20 scrapes from the test {timer.ElapsedMilliseconds / 20.0:0.0} ms each, serve RSS {server.ResidentBytes() / 1048576} MiB");
            }
            finally
            {
                prometheus.Kill();
                await prometheus.WaitForExitAsync(TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    private static async Task<JsonNode> PollAsync(HttpClient client, string path, Func<JsonNode, JsonNode?> pick)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var body = JsonNode.Parse(await client.GetStringAsync(path, TestContext.Current.CancellationToken))!;
                if (pick(body) is { } found)
                    return found;
                if (deadline.Elapsed > TimeSpan.FromSeconds(90))
                    throw new TimeoutException($"{path}: not there within 90 s; last answer {body.ToJsonString()}");
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(90))
            {
                // Prometheus is still starting.
            }
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"for: \S+")]
    private static partial Regex ForClause();
}
