using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Distribution;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Web.Endpoints;

/// <summary>
/// The verbs around the VMs: update --all and --check, config diff and puppet, trust, watch --once, notify, remote, search, vms --repair
/// and adopt. Same rule as the others: the verb's service method, its --json, its exit code's HTTP status.
/// </summary>
public static partial class ApiEndpoints
{
    private static void MapAdministration(RouteGroupBuilder api, ServeOptions options)
    {
        api.MapPost("/appliances/{name}/update-all", (string name, UpdateAllBody? body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("update --all", token =>
                {
                    body ??= new UpdateAllBody();
                    var vmOptions = VmOptionsOf(body.Force, body.TimeoutSeconds)! with { AllowDowngrade = body.AllowDowngrade };
                    return services.Instances.UpdateAllAsync(name, body.To, Assignments(body.Values), body.Parallel, null, vmOptions, token);
                }))
            .Documented<IReadOnlyList<UpdateResult>>("update-all", "Update every VM of this appliance, parallel at a time (update --all NAME --json)");

        api.MapGet("/updates", (string? channel, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("update --check", token => services.Repositories.CheckUpdatesAsync(channel, token)))
            .Documented<IReadOnlyList<AvailableUpdate>>("update-check", "What the remotes offer newer than each VM runs (update --check --json)");

        api.MapGet("/vms/{name}/config/diff", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config diff", token => services.Instances.ConfigShowAsync(name, token)))
            .Documented<ConfigView>("config-diff", "What apply would change (config VM diff --json, the same view as config show)");

        api.MapGet("/vms/{name}/config/puppet", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config puppet list", async token => PuppetJson.From(await services.Instances.ConfigShowAsync(name, token).ConfigureAwait(false))))
            .Documented<PuppetJson>("puppet-list", "The site's Puppet modules of a VM, and those pending (config VM puppet list --json)");

        api.MapPost("/vms/{name}/config/puppet", (string name, PuppetAddBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config puppet add", async token => PuppetJson.From(
                    await services.Instances.ConfigPuppetAddAsync(name, body.Folder, body.Classes ?? [], PuppetJson.ParseKind(body.Kind), token).ConfigureAwait(false))))
            .Documented<PuppetJson>("puppet-add", "Keep a site's Puppet module (a folder on the server's host) for the VM; it waits for apply (config VM puppet add DIR --json)");

        api.MapDelete("/vms/{name}/config/puppet/{module}", (string name, string module, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("config puppet remove", async token => PuppetJson.From(
                    await services.Instances.ConfigPuppetRemoveAsync(name, module, token).ConfigureAwait(false))))
            .Documented<PuppetJson>("puppet-remove", "Drop a site's Puppet module; it waits for apply (config VM puppet remove MODULE --json)");

        api.MapGet("/trust", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("trust list", services.Store.ListTrustedAsync))
            .Documented<IReadOnlyList<TrustedKey>>("trust-list", "The keys whose package signatures this store accepts (trust list --json)");

        api.MapPost("/trust", (TrustBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("trust add", token => WithKeyFileAsync(body.Key, file => services.Store.TrustAsync(file, token), token)))
            .Documented<IReadOnlyList<TrustedKey>>("trust-add", "Trust the key(s) of an armored public key (trust add KEY.asc --json)");

        api.MapDelete("/trust/{fingerprint}", (string fingerprint, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("trust remove", token => services.Store.UntrustAsync(fingerprint, token)))
            .Documented<TrustedKey>("trust-remove", "Stop trusting a key, by fingerprint or its end (trust remove FPR --json)");

        api.MapPost("/watch", async (ApplianceServices services, Operations operations) =>
            {
                var outcome = await operations.RunAsync("watch --once", services.Watch.EvaluateAsync).ConfigureAwait(false);
                if (outcome.Error is { } error)
                    return Results.Json(ErrorJson.From(error, outcome.ExitCode), ApiJson.Options, statusCode: ExitCodes.HttpStatus(outcome.ExitCode));
                var pass = outcome.Value!;
                // As watch --once exits 6 with its pass when a notification was not delivered.
                return Results.Json(WatchPassJson.From(pass), ApiJson.Options,
                    statusCode: pass.Deliveries.All(delivery => delivery.Delivered) ? StatusCodes.Status200OK : ExitCodes.HttpStatus(ExitCodes.Hypervisor));
            })
            .Documented<WatchPassJson>("watch", "Run one watch pass: levels, alerts, notifications; 502 with the same pass when one was not delivered (watch --once --json)");

        api.MapGet("/notify", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("notify list", async token => NotifyChannelJson.From(await services.Notifications.ListAsync(token).ConfigureAwait(false))))
            .Documented<IReadOnlyList<NotifyChannelJson>>("notify-list", "The notification channels, without passwords or header values (notify list --json)");

        api.MapPost("/notify/email", (EmailChannelBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("notify add email", async token =>
                {
                    if (!SmtpSecuritySpelling.TryParse(body.Tls, out var security))
                        throw new InvalidInputException($"tls {body.Tls}: not a mode") { Hint = $"use one of {string.Join(", ", SmtpSecuritySpelling.Names)}" };
                    if (body.Password is not null && body.User is null)
                        throw new InvalidInputException("a password needs a user") { Hint = "give the user name the server knows the password by" };
                    var channel = new EmailChannel(body.Host, body.Port, security, body.From, body.To, body.User, body.Password) { Name = body.Name };
                    return NotifyChannelJson.From(await services.Notifications.AddAsync(channel, token).ConfigureAwait(false));
                }))
            .Documented<IReadOnlyList<NotifyChannelJson>>("notify-add-email", "Add (or replace) a mail channel; answers the channels without secrets (notify add email --json)");

        api.MapPost("/notify/webhook", (WebhookChannelBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("notify add webhook", async token =>
                {
                    if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var uri))
                        throw new InvalidInputException($"'{body.Url}' is not a URL") { Hint = "write it as https://host/path" };
                    var channel = new WebhookChannel(uri, body.Headers, body.Attempts, body.Backoff) { Name = body.Name };
                    return NotifyChannelJson.From(await services.Notifications.AddAsync(channel, token).ConfigureAwait(false));
                }))
            .Documented<IReadOnlyList<NotifyChannelJson>>("notify-add-webhook", "Add (or replace) a webhook channel; answers the channels without secrets (notify add webhook --json)");

        api.MapDelete("/notify/{name}", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("notify remove", async token => NotifyChannelJson.From(await services.Notifications.RemoveAsync(name, token).ConfigureAwait(false))))
            .Documented<IReadOnlyList<NotifyChannelJson>>("notify-remove", "Remove a channel; answers those left (notify remove NAME --json)");

        api.MapPost("/notify/test", async (string? name, ApplianceServices services, Operations operations) =>
            {
                var outcome = await operations.RunAsync("notify test", token => services.Notifications.TestAsync(name, token)).ConfigureAwait(false);
                if (outcome.Error is { } error)
                    return Results.Json(ErrorJson.From(error, outcome.ExitCode), ApiJson.Options, statusCode: ExitCodes.HttpStatus(outcome.ExitCode));
                var deliveries = outcome.Value!;
                // As notify test exits 6 with its report when one was not delivered.
                return Results.Json(NotifyDeliveryJson.From(deliveries), ApiJson.Options,
                    statusCode: deliveries.All(delivery => delivery.Delivered) ? StatusCodes.Status200OK : ExitCodes.HttpStatus(ExitCodes.Hypervisor));
            })
            .Documented<IReadOnlyList<NotifyDeliveryJson>>("notify-test", "Send a test alert to the channel ?name= (all without); 502 with the report when one was not delivered (notify test --json)");

        api.MapGet("/remotes", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("remote list", _ => Task.FromResult(services.Repositories.ListRemotes())))
            .Documented<IReadOnlyList<Remote>>("remote-list", "The remotes and what this store has seen of them (remote list --json)");

        api.MapPost("/remotes", (RemoteBody body, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("remote add", async token =>
                {
                    if (body.Key is null && body.Fingerprint is null)
                    {
                        // No terminal to confirm on: as remote add --json, name the root keys to check with the repository's owner.
                        var keys = await services.Repositories.PeekRootKeysAsync(body.Url, token).ConfigureAwait(false);
                        throw new UsageException("remote add needs key (the armored root public key) or fingerprint; the repository's root key(s):\n"
                            + string.Join("\n", keys.Select(k => $"  {k.Fingerprint}  {k.UserId}")) + "\ncheck the fingerprint with the repository's owner, then give it as fingerprint");
                    }
                    return body.Key is { } key
                        ? await WithKeyFileAsync(key, file => services.Repositories.AddRemoteAsync(body.Name, body.Url, file, body.Fingerprint, token), token).ConfigureAwait(false)
                        : await services.Repositories.AddRemoteAsync(body.Name, body.Url, null, body.Fingerprint, token).ConfigureAwait(false);
                }, StatusCodes.Status201Created))
            .Documented<Remote>("remote-add", "Add a remote trusting its root key, given as armored text (key) or by fingerprint (remote add --json)", StatusCodes.Status201Created);

        api.MapDelete("/remotes/{name}", (string name, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("remote remove", _ => Task.FromResult(new RemoteRemovedJson(services.Repositories.RemoveRemote(name)))))
            .Documented<RemoteRemovedJson>("remote-remove", "Forget a remote and its metadata; installed appliances stay (remote remove --json)");

        api.MapGet("/search", (string? term, string? channel, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("search", token => services.Repositories.SearchAsync(term, channel, token)))
            .Documented<IReadOnlyList<RemoteTarget>>("search", "What the remotes offer, metadata refreshed and checked first, newest first (search TERM --channel C --json)");

        api.MapPost("/vms/repair", (ApplianceServices services, Operations operations) =>
                operations.ApiAsync("vms --repair", async token =>
                    (await services.Instances.ListAsync(options.Uri, repair: true, token).ConfigureAwait(false)).Instances.Select(VmJson.From).ToList()))
            .Documented<IReadOnlyList<VmJson>>("vms-repair", "Adopt into the index the domains with virt-appliance metadata but no index row; answers the VMs (vms --repair --json)");

        api.MapPost("/appliances/{reference}/adopt", (string reference, ApplianceServices services, Operations operations) =>
                operations.ApiAsync("adopt", async token => new AdoptJson(await services.Store.AdoptAsync(reference, token).ConfigureAwait(false))))
            .Documented<AdoptJson>("adopt", "Register an appliance folder a package manager put into ROOT/appliances (adopt NAME@VERSION-RELEASE --json)");
    }

    /// <summary>
    /// The services read keys from files (the CLI's KEY.asc); the API gets the text, so it goes through a private temporary file,
    /// removed afterwards.
    /// </summary>
    private static async Task<T> WithKeyFileAsync<T>(string armored, Func<string, Task<T>> use, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("virt-appliance-key-");
        try
        {
            var file = Path.Combine(folder.FullName, "key.asc");
            await File.WriteAllTextAsync(file, armored, cancellationToken).ConfigureAwait(false);
            return await use(file).ConfigureAwait(false);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
