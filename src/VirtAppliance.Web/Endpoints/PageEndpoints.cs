using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Services;
using VirtAppliance.Web.Contracts;
using VirtAppliance.Web.Pages;
using VirtAppliance.Web.Security;

namespace VirtAppliance.Web.Endpoints;

/// <summary>
/// The page: GET renders, POST (a form with its antiforgery token) carries out one service call and redirects back with a
/// message (post, redirect, get). The forms call the same services as the REST API and the CLI.
/// </summary>
public static class PageEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var page = app.MapGroup("").ExcludeFromDescription().AddEndpointFilter(RequireAntiforgeryAsync);

        page.MapGet("/", async (HttpContext context, ApplianceServices services, IAntiforgery antiforgery, Flash flash) =>
        {
            var token = context.RequestAborted;
            var vms = (await services.Instances.ListAsync(options.Uri, repair: false, token).ConfigureAwait(false)).Instances;
            var appliances = await services.Store.ListAsync(token).ConfigureAwait(false);
            return HtmlResult(PageRenderer.Dashboard(vms, appliances, services.Watch.LastPass, flash.Take(context.Request.Query["flash"]), antiforgery.GetAndStoreTokens(context),
                Dns.GetHostName()));
        });

        // The VMs table alone: the page's script swaps it in when a VM appears, goes or changes state.
        page.MapGet("/ui/vms", async (HttpContext context, ApplianceServices services, IAntiforgery antiforgery) =>
        {
            var token = context.RequestAborted;
            var vms = (await services.Instances.ListAsync(options.Uri, repair: false, token).ConfigureAwait(false)).Instances;
            var appliances = await services.Store.ListAsync(token).ConfigureAwait(false);
            return HtmlResult(PageRenderer.VmsSection(vms, appliances, services.Watch.LastPass, antiforgery.GetAndStoreTokens(context)));
        });

        page.MapGet("/deploy/{appliance}", async (string appliance, HttpContext context, ApplianceServices services, IAntiforgery antiforgery, Flash flash) =>
        {
            if (!await services.Store.IsInstalledAsync(appliance, context.RequestAborted).ConfigureAwait(false))
                return HtmlResult(PageRenderer.Layout("Not found", $"<h1>Not found</h1><p>{Html.E(appliance)} is not installed. <a href=\"/\">Back</a></p>"), StatusCodes.Status404NotFound);
            return HtmlResult(PageRenderer.DeployForm(services.Appliances.Inspect(appliance), appliance, antiforgery.GetAndStoreTokens(context), flash.Take(context.Request.Query["flash"])));
        });

        page.MapPost("/deploy/{appliance}", async (string appliance, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var name = form["name"].ToString().Trim();
            // A value left at the appliance's default is not set: the VM keeps following the default (as on the command line).
            var defaults = await DefaultsAsync(services, appliance, context.RequestAborted).ConfigureAwait(false);
            var request = new DeployRequest(appliance, name, options.Uri, Start: Checked(form, "start", true), Match: ApiEndpoints.MatchOptions(null, null),
                Publish: form["publish"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Set: [.. Values(form, skipEmpty: true).Where(assignment => !defaults.Contains(assignment))]);
            var outcome = await operations.RunAsync("deploy", token => services.Instances.DeployAsync(request, null, token)).ConfigureAwait(false);
            if (outcome.Error is { } error)
                return Back(flash, $"/deploy/{Html.U(appliance)}", Failure($"Deploy of {name} failed", error, outcome.ExitCode));
            return Back(flash, "/", new FlashMessage(true, $"Deployed {string.Join(", ", outcome.Value!.Select(vm => $"{vm.Record.Name} ({VmJson.StateText(vm)})"))}",
                [.. outcome.Value!.SelectMany(vm => vm.Record.Forwards.Select(forward => $"{vm.Record.Name}: port {forward.GuestPort} is published on {forward.Address}:{forward.HostPort}"))]));
        });

        page.MapPost("/vms/{name}/start", (string name, ApplianceServices services, Operations operations, Flash flash) =>
            VmActionAsync(flash, operations, "start", name, $"{name} started",
                async token => await services.Instances.StartAsync(name, waitForHealth: true, null, null, token).ConfigureAwait(false)));

        page.MapPost("/vms/{name}/stop", (string name, ApplianceServices services, Operations operations, Flash flash) =>
            VmActionAsync(flash, operations, "stop", name, $"{name} stopped",
                async token => await services.Instances.StopAsync(name, null, null, token).ConfigureAwait(false)));

        page.MapPost("/vms/{name}/rollback", (string name, ApplianceServices services, Operations operations, Flash flash) =>
            VmActionAsync(flash, operations, "rollback", name, null, async token =>
            {
                var result = await services.Instances.RollbackAsync(name, null, null, token).ConfigureAwait(false);
                return $"{name} rolled back {result.From} → {result.To}";
            }));

        page.MapPost("/vms/{name}/update", async (string name, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var to = form["to"].ToString() is { Length: > 0 } version ? version : null;
            return await VmActionAsync(flash, operations, "update", name, null, async token =>
            {
                var result = await services.Instances.UpdateAsync(name, to, [], null, null, token).ConfigureAwait(false);
                return result.Changed ? $"{name} updated {result.From} → {result.To}" : $"{name} is already at {result.To}";
            }).ConfigureAwait(false);
        });

        page.MapPost("/vms/{name}/undeploy", async (string name, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var deleteData = Checked(form, "delete_data", false);
            return await VmActionAsync(flash, operations, "undeploy", name, null, async token =>
            {
                var kept = await services.Instances.UndeployAsync(name, deleteData, null, null, token).ConfigureAwait(false);
                return kept.UserDisks.Count > 0 ? $"{name} undeployed; its data is kept in the store ({kept.UserDisks.Count} user disk(s))" : $"{name} undeployed";
            }).ConfigureAwait(false);
        });

        page.MapPost("/vms/{name}/disks/{disk}/grow", async (string name, string disk, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var size = form["size"].ToString().Trim();
            return await VmActionAsync(flash, operations, "grow", name, null, async token =>
            {
                var grown = await services.Instances.GrowAsync(name, disk, size, force: false, null, null, token).ConfigureAwait(false);
                return $"{name}: {grown.Target} grown from {Sizes.Bytes(grown.OldSize)} to {Sizes.Bytes(grown.NewSize)}" + (grown.Note is { } note ? $" ({note})" : "");
            }).ConfigureAwait(false);
        });

        page.MapGet("/vms/{name}/config", async (string name, HttpContext context, ApplianceServices services, IAntiforgery antiforgery, Flash flash) =>
        {
            var outcome = await ReadConfigAsync(services, name, context.RequestAborted).ConfigureAwait(false);
            if (outcome.Error is { } error)
                return HtmlResult(PageRenderer.Layout("Not found", $"<h1>{Html.E(name)}</h1><p>{Html.E(error.Message)} <a href=\"/\">Back</a></p>"), ExitCodes.HttpStatus(outcome.ExitCode));
            var (view, parameters) = outcome.Value!;
            return HtmlResult(PageRenderer.ConfigPage(view, parameters, antiforgery.GetAndStoreTokens(context), flash.Take(context.Request.Query["flash"])));
        });

        page.MapPost("/vms/{name}/config", async (string name, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var configPage = $"/vms/{Html.U(name)}/config";
            var current = await ReadConfigAsync(services, name, context.RequestAborted).ConfigureAwait(false);
            if (current.Error is { } missing)
                return Back(flash, "/", Failure($"Configuration of {name} failed", missing, current.ExitCode));
            // Only what changed: an empty password field keeps the password, an unchanged field stays as it is (a default stays a default).
            var entries = current.Value!.View.Entries.ToDictionary(entry => entry.Name, StringComparer.Ordinal);
            var set = Values(form, skipEmpty: false).Where(assignment =>
            {
                var (key, value) = Split(assignment);
                if (!entries.TryGetValue(key, out var entry))
                    return true;
                var effective = entry.PendingChanged ? entry.Pending : entry.Running;
                return entry.Secret ? value.Length > 0 : value != (effective ?? "") && !(value.Length == 0 && effective is null);
            }).ToList();
            if (set.Count == 0)
                return Back(flash, configPage, new FlashMessage(true, "Nothing changed", []));
            var outcome = await operations.RunAsync("config set", token => services.Instances.ConfigSetAsync(name, set, [], token)).ConfigureAwait(false);
            return Back(flash, configPage, outcome.Error is { } error
                ? Failure($"The settings of {name} were not saved", error, outcome.ExitCode)
                : new FlashMessage(true, $"Saved {set.Count} setting(s); “Apply” gives them to {name}", []));
        });

        page.MapPost("/vms/{name}/config/apply", async (string name, HttpContext context, ApplianceServices services, Operations operations, Flash flash) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var restart = Checked(form, "restart", true);
            var outcome = await operations.RunAsync("config apply", token => services.Instances.ConfigApplyAsync(name, restart, null, null, token)).ConfigureAwait(false);
            return Back(flash, $"/vms/{Html.U(name)}/config", outcome.Error is { } error
                ? Failure($"The configuration of {name} was not applied", error, outcome.ExitCode)
                : new FlashMessage(true, outcome.Value!.Restarted ? $"{name} restarted with configuration {outcome.Value.Generation}" : $"{name} gets configuration {outcome.Value.Generation} at its next start", []));
        });

        page.MapGet("/login", (HttpContext context, IAntiforgery antiforgery) => HtmlResult(PageRenderer.Login(antiforgery.GetAndStoreTokens(context), failed: false)));

        page.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery, BearerToken? token) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (token is null)
                return Results.Redirect("/");
            if (!token.Matches(form["token"].ToString()))
                return HtmlResult(PageRenderer.Login(antiforgery.GetAndStoreTokens(context), failed: true), StatusCodes.Status401Unauthorized);
            context.Response.Cookies.Append(BearerToken.CookieName, token.OpenSession(), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            return Results.Redirect("/", permanent: false, preserveMethod: false);
        });
    }

    private static async Task<IResult> VmActionAsync<T>(Flash flash, Operations operations, string operation, string name, string? success, Func<CancellationToken, Task<T>> work)
    {
        var outcome = await operations.RunAsync(operation, work).ConfigureAwait(false);
        return Back(flash, "/", outcome.Error is { } error
            ? Failure($"{char.ToUpperInvariant(operation[0])}{operation[1..]} of {name} failed", error, outcome.ExitCode)
            : new FlashMessage(true, success ?? outcome.Value as string ?? operation, []));
    }

    private static async Task<Outcome<(ConfigView View, IReadOnlyList<Core.Descriptors.SiteParameter> Parameters)>> ReadConfigAsync(ApplianceServices services, string name,
        CancellationToken cancellationToken)
    {
        try
        {
            var view = await services.Instances.ConfigShowAsync(name, cancellationToken).ConfigureAwait(false);
            return new((view, services.Appliances.Inspect(view.ApplianceId).Descriptor.Parameters), null, ExitCodes.Success);
        }
        catch (VirtApplianceException error)
        {
            return new(default, error, ExitCodes.For(error));
        }
    }

    private static async Task<HashSet<string>> DefaultsAsync(ApplianceServices services, string appliance, CancellationToken cancellationToken)
    {
        if (!await services.Store.IsInstalledAsync(appliance, cancellationToken).ConfigureAwait(false))
            return [];
        return [.. services.Appliances.Inspect(appliance).Descriptor.Parameters.Where(parameter => parameter.Default is not null).Select(parameter => $"{parameter.Name}={parameter.Default}")];
    }

    private static FlashMessage Failure(string what, Exception error, int exitCode)
    {
        var body = ErrorJson.From(error, exitCode).Error;
        var lines = new List<string>();
        lines.AddRange(body.Problems.Select(problem => problem.Message));
        if (body.FailedStep is { } step)
            lines.Add($"Failed at: {step}");
        lines.AddRange(body.FailedUndo.Select(undo => $"NOT UNDONE: {undo}"));
        if (body.Hint is { } hint)
            lines.Add($"What to do: {hint}");
        return new FlashMessage(false, $"{what}: {error.Message}", lines);
    }

    private static IResult Back(Flash flash, string path, FlashMessage message) =>
        Results.Redirect($"{path}?flash={flash.Put(message)}");

    /// <summary>The site values of a form (fields named value.NAME) as NAME=VALUE; a checkbox's hidden "false" is followed by its "true".</summary>
    private static List<string> Values(IFormCollection form, bool skipEmpty) =>
        [.. form.Keys.Where(key => key.StartsWith("value.", StringComparison.Ordinal))
            .Select(key => (Name: key["value.".Length..], Value: form[key].LastOrDefault() ?? ""))
            .Where(pair => !skipEmpty || pair.Value.Length > 0)
            .Select(pair => $"{pair.Name}={pair.Value}")];

    private static (string Name, string Value) Split(string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        return (assignment[..equals], assignment[(equals + 1)..]);
    }

    private static bool Checked(IFormCollection form, string name, bool absent) =>
        form.TryGetValue(name, out var values) ? values.LastOrDefault() == "true" : absent;

    private static IResult HtmlResult(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    /// <summary>Every form post carries the antiforgery token of a page this server rendered (cookie + field); others get 400.</summary>
    private static async ValueTask<object?> RequireAntiforgeryAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method)
            && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context).ConfigureAwait(false))
            return HtmlResult(PageRenderer.Layout("Form expired", "<h1>Form expired</h1><p>The form was not one this server showed (or it is too old). <a href=\"/\">Reload the page</a> and try again.</p>"),
                StatusCodes.Status400BadRequest);
        return await next(invocation).ConfigureAwait(false);
    }
}
