using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Shouldly;
using VirtAppliance.EndToEnd.Tests;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>
/// The CLI and the web server at once on one store: a bounded mix of parallel deploy, update, undeploy and config through the REST
/// API and the CLI. Each operation happens whole or is refused with 8 (HTTP 409); afterwards the index and libvirt agree and
/// nothing is left behind: no domain, no file, no lock.
/// </summary>
public class ConcurrencyTests
{
    private sealed record Operation(string Label, string Vm, Func<Task<int>> Run);

    [Fact]
    public async Task Parallel_operations_through_API_and_CLI_happen_whole_or_are_refused_with_8_and_leave_nothing_behind()
    {
        // Given three VMs of tiny 2.0 (shut off) and serve over their store
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var prefix = $"va-web-cc{Guid.NewGuid().ToString("N")[..6]}";
        var pool = Enumerable.Range(1, 3).Select(i => $"{prefix}-p{i}").ToList();
        var (fresh, other) = ($"{prefix}-new", $"{prefix}-solo");
        foreach (var vm in pool)
            (await CliRunner.InStoreAsync(root, "deploy", "tiny@2.0", "--name", vm, "--no-start", "--set", "mail_host=mail.example.org")).ExitCode.ShouldBe(0);
        await using var server = await ServeProcess.StartAsync(root);
        var client = server.Client;
        var atRest = server.ResidentBytes();
        try
        {
            // When a mix of operations runs (14, each pair at once), half through the API and half through the CLI, several on the same VM
            var operations = new List<Operation>();
            foreach (var (vm, i) in pool.Take(2).Select((vm, i) => (vm, i)))
            {
                operations.Add(new($"API update {vm}", vm, () => ApiAsync(client, HttpMethod.Post, $"/api/v1/vms/{vm}/update", """{"to": "4.0"}""")));
                operations.Add(new($"CLI update {vm}", vm, () => CliAsync(root, "update", vm, "--to", "4.0")));
                operations.Add(new($"API config {vm}", vm, () => ApiAsync(client, HttpMethod.Post, $"/api/v1/vms/{vm}/config", $$$"""{"set": {"greeting": "api{{{i}}}"}}""")));
                operations.Add(new($"CLI config {vm}", vm, () => CliAsync(root, "config", vm, "set", $"greeting=cli{i}")));
            }
            operations.Add(new($"API undeploy {pool[2]}", pool[2], () => ApiAsync(client, HttpMethod.Delete, $"/api/v1/vms/{pool[2]}?delete_data=true")));
            operations.Add(new($"CLI undeploy {pool[2]}", pool[2], () => CliAsync(root, "undeploy", pool[2], "--delete-data")));
            operations.Add(new($"API deploy {fresh}", fresh, () => ApiAsync(client, HttpMethod.Post, "/api/v1/vms",
                $$$"""{"appliance": "tiny@2.0", "name": "{{{fresh}}}", "start": false, "values": {"mail_host": "m.example.org"}}""")));
            operations.Add(new($"CLI deploy {fresh}", fresh, () => CliAsync(root, "deploy", "tiny@2.0", "--name", fresh, "--no-start", "--set", "mail_host=m.example.org")));
            operations.Add(new($"API deploy {other}", other, () => ApiAsync(client, HttpMethod.Post, "/api/v1/vms",
                $$"""{"appliance": "tiny@1.0", "name": "{{other}}", "start": false}""")));
            operations.Add(new($"CLI config {pool[0]} again", pool[0], () => CliAsync(root, "config", pool[0], "set", "greeting=again")));
            // The two of a pair (the same verb on the same VM, through API and CLI) start together; pairs start after a random pause of up
            // to 3 s, so operations on one VM sometimes overlap and sometimes find the other finished.
            var pauses = operations.Select(operation => operation.Label[4..]).Distinct().ToDictionary(pair => pair, _ => TimeSpan.FromMilliseconds(Random.Shared.Next(0, 3000)));
            var shuffled = operations.Select(operation => (Operation: operation, Delay: pauses[operation.Label[4..]])).OrderBy(_ => Random.Shared.Next()).ToList();
            var codes = new Dictionary<string, int>();
            long peak = atRest;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.ResidentBytes());
                    await Task.Delay(100, CancellationToken.None);
                }
            }, CancellationToken.None);
            var timer = Stopwatch.StartNew();
            await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = operations.Count, CancellationToken = TestContext.Current.CancellationToken },
                async (item, token) =>
                {
                    var (operation, delay) = item;
                    await Task.Delay(delay, token);
                    var code = await operation.Run();
                    lock (codes)
                        codes[operation.Label] = code;
                });
            await sampling.CancelAsync();
            await sampler;
            Measurements.Record($"concurrency: {operations.Count} operations, pairs at once, {timer.Elapsed.TotalSeconds:0.0} s; serve RSS at rest {atRest / 1048576} MiB, peak {peak / 1048576} MiB; "
                + string.Join(", ", codes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}")));

            // Then every operation succeeded or was refused as a conflict; an undeploy that lost to the other may find the VM gone (7)
            foreach (var (label, code) in codes)
                code.ShouldBeOneOf(label.Contains("undeploy", StringComparison.Ordinal) ? [0, 7, 8] : [0, 8], label);
            codes.Where(pair => pair.Key.Contains($"deploy {fresh}", StringComparison.Ordinal)).Count(pair => pair.Value == 0).ShouldBe(1, "exactly one of the two deploys of one name");
            codes.Where(pair => pair.Key.Contains($"undeploy {pool[2]}", StringComparison.Ordinal)).Count(pair => pair.Value == 0).ShouldBe(1, "exactly one of the two undeploys");
            codes[$"API deploy {other}"].ShouldBe(0);

            // And the index and libvirt agree: each VM's domain exists with its UUID, every disk the index names exists in its own folder
            var listed = await CliRunner.InStoreAsync(root, "vms", "--json");
            listed.ExitCode.ShouldBe(0, listed.ToString());
            var vms = JsonNode.Parse(listed.Stdout)!.AsArray().Select(vm => vm!).ToList();
            vms.Select(vm => vm["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ShouldBe([.. new[] { fresh, pool[0], pool[1], other }.Order(StringComparer.Ordinal)]);
            foreach (var vm in vms)
            {
                var name = vm["name"]!.GetValue<string>();
                vm["state"]!.GetValue<string>().ShouldBe("shut off", name);
                Tools.Run("virsh", "-c", CliRunner.SystemUri, "domuuid", name).Trim().ShouldBe(vm["uuid"]!.GetValue<string>(), name);
                foreach (var disk in vm["disks"]!.AsArray())
                {
                    var path = disk!["path"]!.GetValue<string>();
                    File.Exists(path).ShouldBeTrue(path);
                    path.ShouldStartWith(Path.Combine(root, "instances", name) + "/");
                }
                var sources = Tools.Run("virsh", "-c", CliRunner.SystemUri, "domblklist", name, "--details").Split('\n')
                    .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(cells => cells.Length == 4 && cells[1] == "disk").Select(cells => cells[3]);
                foreach (var source in sources)
                    File.Exists(source).ShouldBeTrue($"{name}: the domain's disk {source}");
                // An update that happened is whole: the index's version is the domain's.
                var metadata = Tools.Run("virsh", "-c", CliRunner.SystemUri, "dumpxml", name, "--inactive");
                metadata.ShouldContain($"version>{vm["version"]!.GetValue<string>()}</");
            }
            foreach (var vm in pool.Take(2))
            {
                var updates = codes.Where(pair => pair.Key.EndsWith($"update {vm}", StringComparison.Ordinal)).ToList();
                if (updates.Any(pair => pair.Value == 0))
                    vms.Single(listedVm => listedVm["name"]!.GetValue<string>() == vm)["version"]!.GetValue<string>().ShouldBe("4.0", vm);
            }

            // And nothing leaked: no domain of this test without its VM, no VM folder without its VM, no lock held, no staging left
            var domains = Tools.Run("virsh", "-c", CliRunner.SystemUri, "list", "--all", "--name").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(domain => domain.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            domains.ShouldBe([.. vms.Select(vm => vm["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)]);
            Directory.GetDirectories(Path.Combine(root, "instances")).Select(Path.GetFileName).Order(StringComparer.Ordinal)
                .ShouldBe([.. vms.Select(vm => vm["name"]!.GetValue<string>()).Order(StringComparer.Ordinal)]);
            foreach (var lockFile in Directory.GetFiles(Path.Combine(root, "locks")).Append(Path.Combine(root, ".lock")))
            {
                using var free = new FileStream(lockFile, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            (Directory.Exists(Path.Combine(root, ".staging")) ? Directory.GetFileSystemEntries(Path.Combine(root, ".staging")) : []).ShouldBeEmpty();
            (await Api.GetAsync(client, "/api/v1/vms")).Expect(HttpStatusCode.OK).AsArray().Count.ShouldBe(vms.Count);
        }
        finally
        {
            foreach (var vm in pool.Append(fresh).Append(other))
                await CliRunner.InStoreAsync(root, "undeploy", vm, "--delete-data", "--force");
        }
    }

    private static async Task<int> ApiAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        var (status, body) = await Api.SendAsync(client, method, path, json);
        return status is HttpStatusCode.OK or HttpStatusCode.Created ? 0 : body?["error"]?["exit_code"]?.GetValue<int>() ?? -(int)status;
    }

    private static async Task<int> CliAsync(string root, params string[] args) => (await CliRunner.InStoreAsync(root, args)).ExitCode;
}
