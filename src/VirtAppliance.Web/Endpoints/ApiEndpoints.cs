using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Web.Endpoints;

/// <summary>
/// The REST API under /api/v1: one endpoint per CLI verb that reads or changes the store or its VMs, each calling the same service
/// method as the verb and answering the same JSON as its <c>--json</c>. Failures answer the CLI's error body with the HTTP status of
/// its exit code (see <see cref="ExitCodes.HttpStatus"/>). Operations run synchronously: the response comes when the verb would
/// have exited (a deploy or an update waits for the appliance's health check).
/// </summary>
public static partial class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var api = app.MapGroup("/api/v1").WithTags("virt-appliance");

        api.MapGet("/appliances", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("list", services.Store.ListAsync))
            .Documented<IReadOnlyList<InstalledAppliance>>("list", "The installed appliances (list --json)");

        api.MapPost("/appliances", (InstallBody body, ApplianceServices services, Operations operations) =>
                InstallReference.IsRemote(body.Package)
                    ? operations.ApiAsync("install", token => services.Repositories.InstallAsync(body.Package, body.Channel, body.AllowUnsigned, null, token))
                    : operations.ApiAsync("install", async token =>
                    {
                        var result = await services.Store.InstallAsync(body.Package, body.AllowUnsigned, null, token).ConfigureAwait(false);
                        return new InstallJson(result.Appliance, result.AlreadyInstalled);
                    }))
            .Documented<InstallJson>("install", "Install a package file on the server's host (install --json), or NAME[@VERSION] from the remotes (answering install NAME --json's shape)");

        api.MapGet("/appliances/{reference}", (string reference, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("inspect", async token =>
                {
                    await RequireInstalledAsync(services, reference, token).ConfigureAwait(false);
                    return InspectJson.From(services.Appliances.Inspect(reference));
                }))
            .Documented<object>("inspect", "An installed appliance: descriptor, disks and site parameters (inspect --json)");

        api.MapDelete("/appliances/{reference}", (string reference, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("remove", async token => new RemoveJson(await services.Store.RemoveAsync(reference, token).ConfigureAwait(false))))
            .Documented<RemoveJson>("remove", "Remove an installed version; 409 while a VM runs it or keeps it for rollback (remove --json)");

        api.MapPost("/appliances/{reference}/verify", (string reference, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("verify", async token => (await services.Store.VerifyInstalledAsync(reference, null, token).ConfigureAwait(false))
                    .Select(check => new InstalledCheckJson(check.Appliance.Id, check.Appliance.Path, Intact: true, check.Appliance.PackageSha256, check.Files)).ToList()))
            .Documented<IReadOnlyList<InstalledCheckJson>>("verify", "Check installed files against their manifest; 422 when one changed (verify --json)");

        api.MapGet("/appliances/{reference}/check", async (string reference, [FromQuery(Name = "virt_type")] string? virtType, ApplianceServices services, Operations operations) =>
            {
                var outcome = await operations.RunAsync("check", async token =>
                {
                    await RequireInstalledAsync(services, reference, token).ConfigureAwait(false);
                    return services.Host.Check(reference, new HostSource.Connection(options.Uri), MatchOptions(virtType, null));
                }).ConfigureAwait(false);
                if (outcome.Error is { } error)
                    return Results.Json(ErrorJson.From(error, outcome.ExitCode), ApiJson.Options, statusCode: ExitCodes.HttpStatus(outcome.ExitCode));
                var report = outcome.Value!;
                // As check exits 4 with its report when nothing fits.
                return Results.Json(CheckJson.From(report), ApiJson.Options, statusCode: report.Fits ? StatusCodes.Status200OK : ExitCodes.HttpStatus(ExitCodes.HostMismatch));
            })
            .Documented<CheckJson>("check", "Does the appliance fit this host; 422 with the same report when it does not (check --json)");

        api.MapPost("/gc", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("gc", async token => GcJson.From(await services.Instances.CollectGarbageAsync(options.Uri, token).ConfigureAwait(false))))
            .Documented<GcJson>("gc", "Remove what interrupted commands left in the store and instance folders no VM owns (gc --json)");

        api.MapGet("/vms", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("vms", async token =>
                    (await services.Instances.ListAsync(options.Uri, repair: false, token).ConfigureAwait(false)).Instances.Select(VmJson.From).ToList()))
            .Documented<IReadOnlyList<VmJson>>("vms", "The VMs with their appliance, version, state and disks (vms --json)");

        api.MapGet("/vms/{name}", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("vm", async token => VmJson.From(await FindAsync(services, options, name, token).ConfigureAwait(false))))
            .Documented<VmJson>("vm", "One VM, as vms --json lists it");

        api.MapPost("/vms", (DeployBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("deploy", async token =>
                {
                    var request = new DeployRequest(body.Appliance, body.Name, options.Uri, body.Count, body.Network, body.Start, MatchOptions(body.VirtType, body.Boot),
                        body.Publish ?? [], Assignments(body.Values), null, body.Parallel, body.ReuseKept);
                    return (await services.Instances.DeployAsync(request, null, token).ConfigureAwait(false)).Select(VmJson.From).ToList();
                }, StatusCodes.Status201Created))
            .Documented<IReadOnlyList<VmJson>>("deploy", "Deploy VMs from an installed appliance; answers when they are healthy (deploy --json)", StatusCodes.Status201Created);

        api.MapPost("/vms/{name}/start", (string name, StartBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("start", async token =>
                    VmJson.From(await services.Instances.StartAsync(name, (body ?? new StartBody()).Wait, null, null, token).ConfigureAwait(false))))
            .Documented<VmJson>("start", "Start a VM and wait for its health check unless wait is false (start --json)");

        api.MapPost("/vms/{name}/stop", (string name, StopBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("stop", async token =>
                    VmJson.From(await services.Instances.StopAsync(name, null, VmOptionsOf(body?.Force, body?.TimeoutSeconds), token).ConfigureAwait(false))))
            .Documented<VmJson>("stop", "Ask the guest to power off; force after timeout_seconds, or at once with force (stop --json)");

        api.MapDelete("/vms/{name}", (string name, [FromQuery(Name = "delete_data")] bool? deleteData, bool? force, [FromQuery(Name = "timeout_seconds")] int? timeoutSeconds, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("undeploy", async token => UndeployJson.From(
                    await services.Instances.UndeployAsync(name, deleteData ?? false, null, VmOptionsOf(force, timeoutSeconds), token).ConfigureAwait(false))))
            .Documented<UndeployJson>("undeploy", "Remove a VM; its user disks and site values are kept unless delete_data=true (undeploy --json)");

        api.MapPost("/vms/{name}/update", (string name, UpdateBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("update", async token =>
                {
                    body ??= new UpdateBody();
                    var result = await services.Instances.UpdateAsync(name, body.To, Assignments(body.Values), null, VmOptionsOf(body.Force, body.TimeoutSeconds), token)
                        .ConfigureAwait(false);
                    return new[] { result };
                }))
            .Documented<IReadOnlyList<UpdateResult>>("update", "Update a VM to another installed version (the highest by default); rolled back when it fails (update --json)");

        api.MapPost("/vms/{name}/rollback", (string name, StopBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("rollback", token => services.Instances.RollbackAsync(name, null, VmOptionsOf(body?.Force, body?.TimeoutSeconds), token)))
            .Documented<UpdateResult>("rollback", "Return a VM to the version it ran before its last update (rollback --json)");

        api.MapGet("/vms/{name}/config", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config show", token => services.Instances.ConfigShowAsync(name, token)))
            .Documented<ConfigView>("config-show", "A VM's site values (passwords masked), defaults and what is pending (config show --json)");

        api.MapPost("/vms/{name}/config", (string name, ConfigBody body, ApplianceServices services, Operations operations) =>
            {
                if ((body.Set is null || body.Set.Count == 0) && (body.Unset is null || body.Unset.Count == 0))
                    return Task.FromResult(Operations.BadRequest("config needs values to set or names to unset", "{\"set\": {\"NAME\": \"VALUE\"}} or {\"unset\": [\"NAME\"]}"));
                return operations.ApiAsync("config set", token => services.Instances.ConfigSetAsync(name, Assignments(body.Set), body.Unset ?? [], token));
            })
            .Documented<ConfigView>("config-set", "Stage site values (set) or return them to their defaults (unset); they wait for apply (config set/unset --json)");

        api.MapPost("/vms/{name}/config/apply", (string name, ApplyBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config apply", token =>
                {
                    body ??= new ApplyBody();
                    return services.Instances.ConfigApplyAsync(name, body.Restart, null, VmOptionsOf(body.Force, body.TimeoutSeconds), token);
                }))
            .Documented<ConfigView>("config-apply", "Give the VM its pending configuration; a running VM restarts and must become healthy (config apply --json)");

        api.MapGet("/status", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("status", services.Instances.StatusAllAsync))
            .Documented<IReadOnlyList<VmStatus>>("status-all", "Every VM's state, uptime, health, CPU, memory and disk use against its thresholds (status --json)");

        api.MapGet("/vms/{name}/status", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("status", token => services.Instances.StatusAsync(name, token)))
            .Documented<VmStatus>("status", "One VM's status (status VM --json)");

        api.MapPost("/vms/{name}/thresholds/{disk}", (string name, string disk, ThresholdBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config threshold", token => services.Instances.ConfigThresholdAsync(name, disk, body.Warning, body.Critical, body.Reset, token)))
            .Documented<VmStatus>("config-threshold", "Set a disk's warning/critical levels in percent, or reset them to the appliance's (config VM threshold DISK --json)");

        api.MapPost("/vms/{name}/disks/{disk}/grow", (string name, string disk, GrowBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("grow", token => services.Instances.GrowAsync(name, disk, body.Size, body.Force, null, null, token)))
            .Documented<GrowResult>("grow", "Make a disk bigger (a user disk; others with force), online when the VM runs, never smaller (grow --json)");

        MapAdministration(api, options);
    }

    /// <summary>NAME: VALUE pairs as the services take them (the CLI's --set NAME=VALUE).</summary>
    private static List<string> Assignments(IReadOnlyDictionary<string, string>? values) =>
        values is null ? [] : [.. values.Select(pair => $"{pair.Key}={pair.Value}")];

    private static VmOptions? VmOptionsOf(bool? force, int? timeoutSeconds)
    {
        if (timeoutSeconds is < 1)
            throw new InvalidInputException($"timeout_seconds {timeoutSeconds}: give at least 1 second") { Hint = "or force: true to power off at once" };
        return new VmOptions(null, force ?? false, timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    /// <summary>As deploy's --virt-type and --boot; without them, $VIRT_APPLIANCE_VIRT_TYPE (the page's deploy uses this too).</summary>
    internal static HostMatchOptions MatchOptions(string? virtType, int? boot) => new()
    {
        BootIndex = boot,
        VirtType = HostMatchOptions.ResolveVirtType(virtType, Environment.GetEnvironmentVariable, configured: null),
    };

    /// <summary>The API names installed appliances only; a path on the server's disk is not the client's to name.</summary>
    private static async Task RequireInstalledAsync(ApplianceServices services, string reference, CancellationToken cancellationToken)
    {
        if (!await services.Store.IsInstalledAsync(reference, cancellationToken).ConfigureAwait(false))
            throw new NotFoundException($"{reference}: nothing installed by that name") { Hint = "GET /api/v1/appliances lists what is installed" };
    }

    internal static async Task<InstanceStatus> FindAsync(ApplianceServices services, ServeOptions options, string name, CancellationToken cancellationToken) =>
        (await services.Instances.ListAsync(options.Uri, repair: false, cancellationToken).ConfigureAwait(false)).Instances.FirstOrDefault(vm => vm.Record.Name == name)
        ?? throw new NotFoundException($"no VM named '{name}' was deployed by virt-appliance") { Hint = "GET /api/v1/vms lists them" };

    private static RouteHandlerBuilder Documented<T>(this RouteHandlerBuilder builder, string name, string summary, int status = StatusCodes.Status200OK) =>
        builder.WithName(name).WithSummary(summary)
            .Produces<T>(status)
            .Produces<ErrorJson>(StatusCodes.Status400BadRequest)
            .Produces<ErrorJson>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorJson>(StatusCodes.Status404NotFound)
            .Produces<ErrorJson>(StatusCodes.Status409Conflict)
            .Produces<ErrorJson>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ErrorJson>(StatusCodes.Status500InternalServerError)
            .Produces<ErrorJson>(StatusCodes.Status502BadGateway);
}
