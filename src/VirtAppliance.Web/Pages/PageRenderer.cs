using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Web.Contracts;
using static VirtAppliance.Web.Pages.Html;

namespace VirtAppliance.Web.Pages;

/// <summary>
/// The consumer's page, rendered on the server: plain HTML forms (each with its antiforgery token) that work without script;
/// /assets/app.js only adds live state (server-sent events) and a busy state on buttons. No value of a password parameter and
/// no token is ever written into a page.
/// </summary>
internal static class PageRenderer
{
    public static string Layout(string title, string body, bool signedIn = false) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} · virt-appliance</title>
        <link rel="stylesheet" href="/assets/app.css">
        <script src="/assets/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top"><a href="/" class="brand">virt-appliance</a>{(signedIn ? "" : "")}</header>
        <main id="main" tabindex="-1">
        {body}
        </main>
        <footer><a href="/openapi/v1.json">REST API (OpenAPI)</a> · <a href="/metrics">metrics</a></footer>
        </body>
        </html>
        """;

    public static string Dashboard(IReadOnlyList<InstanceStatus> vms, IReadOnlyList<InstalledAppliance> appliances, WatchResult? watch, FlashMessage? flash,
        AntiforgeryTokenSet csrf, string host)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Appliances on {E(host)}</h1>\n");
        body.Append(FlashBox(flash));
        body.Append("<p id=\"live\" class=\"visually-hidden\" role=\"status\" aria-live=\"polite\"></p>\n");
        body.Append("<section aria-labelledby=\"vms-heading\">\n<h2 id=\"vms-heading\">Virtual machines</h2>\n<div id=\"vms\" data-live=\"/ui/vms\">");
        body.Append(VmsSection(vms, appliances, watch, csrf));
        body.Append("</div>\n</section>\n");
        body.Append(AlertsSection(watch));
        body.Append(AppliancesSection(appliances));
        return Layout("Appliances", body.ToString());
    }

    public static string VmsSection(IReadOnlyList<InstanceStatus> vms, IReadOnlyList<InstalledAppliance> appliances, WatchResult? watch, AntiforgeryTokenSet csrf)
    {
        if (vms.Count == 0)
            return "<p>No VMs yet. Deploy one from an appliance below.</p>";
        var html = new StringBuilder();
        html.Append("<table class=\"vms\">\n<caption class=\"visually-hidden\">Virtual machines, their state, disks and actions</caption>\n");
        html.Append("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Appliance</th><th scope=\"col\">State</th><th scope=\"col\">Health</th><th scope=\"col\">Disks</th><th scope=\"col\">Ports</th><th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n");
        foreach (var vm in vms)
            html.Append(VmRow(vm, watch?.Vms.FirstOrDefault(status => status.Name == vm.Record.Name), appliances, csrf));
        html.Append("</tbody>\n</table>\n");
        return html.ToString();
    }

    private static string VmRow(InstanceStatus vm, VmStatus? status, IReadOnlyList<InstalledAppliance> appliances, AntiforgeryTokenSet csrf)
    {
        var record = vm.Record;
        var name = record.Name;
        var state = VmJson.StateText(vm);
        var running = vm.State == DomainState.Running;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<tr data-vm=\"{E(name)}\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<th scope=\"row\" data-label=\"Name\">{E(name)}</th>\n");
        html.Append(CultureInfo.InvariantCulture, $"<td data-label=\"Appliance\">{E(record.Appliance)} <span class=\"version\">{E(record.Version)}-{E(record.Release)}</span>")
            .Append(record.PendingValues is not null ? " <span class=\"badge\">configuration pending</span>" : "").Append("</td>\n");
        html.Append(CultureInfo.InvariantCulture, $"<td data-label=\"State\"><span class=\"state {StateClass(vm)}\" data-state>{E(state)}</span></td>\n");
        html.Append(CultureInfo.InvariantCulture, $"<td data-label=\"Health\">{Health(status)}</td>\n");
        html.Append("<td data-label=\"Disks\">");
        foreach (var disk in vm.Disks)
            html.Append(status?.Disks.FirstOrDefault(checkedDisk => checkedDisk.Target == disk.Disk.Target) is { UsedPercent: not null } measured ? UsageBar(measured) : DiskBar(disk));
        html.Append("</td>\n");
        html.Append(CultureInfo.InvariantCulture, $"<td data-label=\"Ports\">{(record.Forwards.Count == 0 ? "–" : string.Join("<br>", record.Forwards.Select(forward => E($"{forward.Address}:{forward.HostPort} → {forward.GuestPort}"))))}</td>\n");
        html.Append("<td data-label=\"Actions\" class=\"actions\">");
        if (!vm.DomainMissing)
        {
            html.Append(running
                ? ActionForm($"/vms/{U(name)}/stop", "Stop", $"Stop {name}", csrf)
                : ActionForm($"/vms/{U(name)}/start", "Start", $"Start {name}", csrf));
            // Forward only, as update is without --allow-downgrade; going back is the rollback button's.
            var others = appliances.Where(appliance => appliance.Name == record.Appliance
                && VersionOrder.Compare(appliance.Version, appliance.Release, record.Version, record.Release) > 0).ToList();
            if (others.Count > 0)
            {
                var selectId = Id("to", name);
                html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/vms/{U(name)}/update\" class=\"inline\" data-busy=\"Updating {E(name)}…\">{Token(csrf)}")
                    .Append(CultureInfo.InvariantCulture, $"<label for=\"{selectId}\" class=\"visually-hidden\">Version to update {E(name)} to</label><select id=\"{selectId}\" name=\"to\">")
                    .Append(string.Concat(others.Select(other => $"<option value=\"{E($"{other.Version}-{other.Release}")}\">{E($"{other.Version}-{other.Release}")}</option>")))
                    .Append(CultureInfo.InvariantCulture, $"</select><button type=\"submit\" aria-label=\"Update {E(name)}\">Update</button></form>");
            }
            if (record.Previous is { } previous)
                html.Append(ActionForm($"/vms/{U(name)}/rollback", $"Roll back to {previous.Version}-{previous.Release}", $"Roll back {name} to {previous.Version}-{previous.Release}", csrf));
            html.Append(CultureInfo.InvariantCulture, $"<a class=\"button\" href=\"/vms/{U(name)}/config\" aria-label=\"Configure {E(name)}\">Configure</a>");
            foreach (var disk in record.Disks.Where(disk => disk.Role == Core.Descriptors.DiskRole.User))
            {
                var sizeId = Id("grow", $"{name}-{disk.Target}");
                html.Append(CultureInfo.InvariantCulture, $"<details class=\"grow\"><summary>Grow {E(disk.Target)}…</summary><form method=\"post\" action=\"/vms/{U(name)}/disks/{U(disk.Target)}/grow\" data-busy=\"Growing {E(disk.Target)}…\">{Token(csrf)}")
                    .Append(CultureInfo.InvariantCulture, $"<label for=\"{sizeId}\">New size of {E(disk.Target)} (e.g. 20G, or +5G)</label> <input id=\"{sizeId}\" name=\"size\" required pattern=\"\\+?[0-9]+(\\.[0-9]+)?[KMGTkmgt]i?[Bb]?\" autocomplete=\"off\">")
                    .Append(CultureInfo.InvariantCulture, $" <button type=\"submit\" aria-label=\"Grow {E(disk.Target)} of {E(name)}\">Grow</button></form></details>");
            }
        }
        var deleteId = Id("delete", name);
        html.Append(CultureInfo.InvariantCulture, $"<details class=\"remove\"><summary>Remove…</summary><form method=\"post\" action=\"/vms/{U(name)}/undeploy\" data-busy=\"Removing {E(name)}…\">{Token(csrf)}")
            .Append(CultureInfo.InvariantCulture, $"<p><input type=\"checkbox\" id=\"{deleteId}\" name=\"delete_data\" value=\"true\"> <label for=\"{deleteId}\">Also delete its data (user disks)</label></p>")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"danger\">Undeploy {E(name)}</button></form></details>");
        html.Append("</td>\n</tr>\n");
        return html.ToString();
    }

    private static string StateClass(InstanceStatus vm) => vm.DomainMissing ? "state-missing" : vm.State switch
    {
        DomainState.Running => "state-running",
        DomainState.ShutOff => "state-off",
        DomainState.Crashed => "state-crashed",
        _ => "state-other",
    };

    private static string DiskBar(DiskUsage disk)
    {
        var role = disk.Disk.Role.ToString().ToLowerInvariant();
        var size = disk.VirtualSize ?? 0;
        var used = disk.AllocatedBytes ?? 0;
        var label = size > 0 ? $"{disk.Disk.Target} ({role}): {Sizes.Bytes(used)} of {Sizes.Bytes(size)} allocated" : $"{disk.Disk.Target} ({role}): file missing";
        return size > 0
            ? $"<div class=\"disk\"><span>{E(label)}</span><meter min=\"0\" max=\"{size}\" value=\"{Math.Min(used, size)}\" aria-label=\"{E(label)}\"></meter></div>"
            : $"<div class=\"disk\"><span>{E(label)}</span></div>";
    }

    /// <summary>The health the last watch pass saw, and how long the VM has run.</summary>
    private static string Health(VmStatus? status)
    {
        if (status is null)
            return "<span class=\"health health-unknown\">not checked yet</span>";
        var (text, css) = status.Health switch
        {
            HealthState.Healthy => ("healthy", "health-ok"),
            HealthState.Unhealthy => ("unhealthy", "health-bad"),
            HealthState.Stopped => ("stopped", "health-off"),
            _ => ("unknown", "health-unknown"),
        };
        var uptime = status.UptimeSeconds is { } seconds ? $"<span class=\"uptime\">up {E(Uptime(TimeSpan.FromSeconds(seconds)))}</span>" : "";
        var detail = status.Health == HealthState.Unhealthy && status.HealthDetail is { } why ? $"<span class=\"hint\">{E(why)}</span>" : "";
        return $"<span class=\"health {css}\">{text}</span> {uptime}{detail}";
    }

    private static string Uptime(TimeSpan time) =>
        time.TotalDays >= 1 ? $"{(int)time.TotalDays} d {time.Hours} h" : time.TotalHours >= 1 ? $"{(int)time.TotalHours} h {time.Minutes} min" : $"{(int)time.TotalMinutes} min";

    /// <summary>A disk as the watch pass measured it: used space (in the guest where it reports it) against its warning and critical levels.</summary>
    private static string UsageBar(DiskStatus disk)
    {
        var used = disk.UsedPercent!.Value;
        var basis = disk.FileSystems.Count > 0 ? "used in the guest" : "of the image allocated";
        var level = disk.Level is AlertLevel.Warning or AlertLevel.Critical ? $" <span class=\"badge level-{LevelText(disk.Level)}\">{E(LevelText(disk.Level))}</span>" : "";
        var label = string.Create(CultureInfo.InvariantCulture,
            $"{disk.Target} ({disk.Role.ToString().ToLowerInvariant()}): {used:0.#}% {basis}; warning at {disk.Threshold.Warning}%, critical at {disk.Threshold.Critical}%");
        return string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"disk\"><span>{E(label)}{level}</span><meter min=\"0\" max=\"100\" low=\"{disk.Threshold.Warning}\" high=\"{disk.Threshold.Critical}\" optimum=\"0\" value=\"{used:0.#}\" aria-label=\"{E(label)}\"></meter></div>");
    }

    /// <summary>As status --json spells a level (warning, critical).</summary>
    private static string LevelText(AlertLevel level) => level.ToString().ToLowerInvariant();

    /// <summary>The disks above their warning level in the last watch pass.</summary>
    private static string AlertsSection(WatchResult? watch)
    {
        var html = new StringBuilder("<section aria-labelledby=\"alerts-heading\">\n<h2 id=\"alerts-heading\">Alerts</h2>\n");
        if (watch is null)
            return html.Append("<p>The first check of the VMs' disks is running.</p>\n</section>\n").ToString();
        var alerts = watch.Vms.SelectMany(vm => vm.Disks.Where(disk => disk.Level is AlertLevel.Warning or AlertLevel.Critical).Select(disk => (vm, disk))).ToList();
        var at = watch.At.ToString("HH:mm", CultureInfo.InvariantCulture);
        if (alerts.Count == 0)
            return html.Append(CultureInfo.InvariantCulture, $"<p>No disk is above its warning level (checked {at} UTC).</p>\n</section>\n").ToString();
        html.Append("<ul class=\"alerts\">");
        foreach (var (vm, disk) in alerts)
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"level-{LevelText(disk.Level)}\"><strong>{E(LevelText(disk.Level).ToUpperInvariant())}</strong> ")
                .Append(E(string.Create(CultureInfo.InvariantCulture, $"{vm.Name}: disk {disk.Id} ({disk.Target}) is {disk.UsedPercent:0.#}% used; levels {disk.Threshold.Warning}/{disk.Threshold.Critical}%")))
                .Append("</li>");
        return html.Append(CultureInfo.InvariantCulture, $"</ul><p class=\"hint\">Checked {at} UTC.</p>\n</section>\n").ToString();
    }

    private static string AppliancesSection(IReadOnlyList<InstalledAppliance> appliances)
    {
        var html = new StringBuilder("<section aria-labelledby=\"appliances-heading\">\n<h2 id=\"appliances-heading\">Installed appliances</h2>\n");
        if (appliances.Count == 0)
            return html.Append("<p>None installed. Install one with <code>virt-appliance install PACKAGE</code>.</p>\n</section>\n").ToString();
        html.Append("<ul class=\"appliances\">\n");
        foreach (var group in appliances.GroupBy(appliance => appliance.Name))
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><h3>{E(group.Key)}</h3><ul class=\"versions\">");
            foreach (var appliance in group.Reverse())
                html.Append(CultureInfo.InvariantCulture, $"<li><span class=\"version\">{E(appliance.Version)}-{E(appliance.Release)}</span> <span class=\"signer\">{E(appliance.SignerUserId ?? "unsigned")}</span> ")
                    .Append(CultureInfo.InvariantCulture, $"<a class=\"button\" href=\"/deploy/{U(appliance.Id)}\" aria-label=\"Deploy {E(appliance.Id)}\">Deploy…</a></li>");
            html.Append("</ul></li>\n");
        }
        return html.Append("</ul>\n</section>\n").ToString();
    }

    public static string DeployForm(ApplianceSummary summary, string applianceId, AntiforgeryTokenSet csrf, FlashMessage? flash)
    {
        var descriptor = summary.Descriptor;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Deploy {E(applianceId)}</h1>\n");
        if (descriptor.Label is { } label)
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(label)}</p>\n");
        html.Append(FlashBox(flash));
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/deploy/{U(applianceId)}\" class=\"stacked\" data-busy=\"Deploying… this waits until the appliance is healthy\">{Token(csrf)}\n");
        html.Append("<fieldset><legend>The virtual machine</legend>\n");
        html.Append("<div class=\"field\"><label for=\"vm-name\">Name</label><input id=\"vm-name\" name=\"name\" required autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" aria-describedby=\"vm-name-hint\"")
            .Append(CultureInfo.InvariantCulture, $" value=\"{E(descriptor.Name)}\"><p id=\"vm-name-hint\" class=\"hint\">Letters, digits, '-', '_' and '.'; unique on this host.</p></div>\n");
        html.Append("<div class=\"field\"><label for=\"vm-publish\">Published ports <span class=\"optional\">(optional)</span></label><input id=\"vm-publish\" name=\"publish\" autocomplete=\"off\" aria-describedby=\"vm-publish-hint\">")
            .Append("<p id=\"vm-publish-hint\" class=\"hint\">HOSTPORT:GUESTPORT, separated by spaces, e.g. 8080:80. Ports the appliance declares get free ports on 127.0.0.1 anyway.</p></div>\n");
        html.Append("<div class=\"field check\"><input type=\"hidden\" name=\"start\" value=\"false\"><input type=\"checkbox\" id=\"vm-start\" name=\"start\" value=\"true\" checked> <label for=\"vm-start\">Start it and wait until it is healthy</label></div>\n");
        html.Append("</fieldset>\n");
        if (descriptor.Parameters.Count > 0)
        {
            html.Append("<fieldset><legend>Site settings</legend>\n");
            foreach (var parameter in descriptor.Parameters)
                html.Append(Field(parameter, current: null, forConfig: false));
            html.Append("</fieldset>\n");
        }
        html.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"primary\">Deploy</button> <a href=\"/\">Cancel</a>\n</form>\n");
        return Layout($"Deploy {applianceId}", html.ToString());
    }

    /// <summary>One typed input for a site parameter. A password's value is never written back: its field starts empty.</summary>
    private static string Field(SiteParameter parameter, string? current, bool forConfig)
    {
        var id = Id("p", parameter.Name);
        var hintId = id + "-hint";
        var name = $"value.{parameter.Name}";
        var label = parameter.Label ?? parameter.Name;
        var required = parameter.Required && parameter.Default is null && !forConfig;
        var value = parameter.Type == ParameterType.Password ? null : current ?? (forConfig ? null : parameter.Default);
        var hint = new List<string>();
        if (parameter.Description is { } description)
            hint.Add(description);
        if (parameter.Type == ParameterType.Password)
            hint.Add(forConfig ? "Leave empty to keep the current password." : parameter.Required ? "Required." : "Optional.");
        else if (!required && parameter.Default is not null && !forConfig)
            hint.Add($"Default: {parameter.Default}.");
        if (parameter.Type == ParameterType.Host)
            hint.Add("A host name or IP address.");
        var attributes = new StringBuilder();
        attributes.Append(CultureInfo.InvariantCulture, $" id=\"{id}\" name=\"{E(name)}\"");
        if (required)
            attributes.Append(" required");
        if (hint.Count > 0)
            attributes.Append(CultureInfo.InvariantCulture, $" aria-describedby=\"{hintId}\"");
        string input;
        switch (parameter.Type)
        {
            case ParameterType.Bool:
                var on = (value ?? "false") is "true" or "yes" or "1";
                return $"<div class=\"field check\"><input type=\"hidden\" name=\"{E(name)}\" value=\"false\"><input type=\"checkbox\"{attributes.ToString().Replace(" required", "", StringComparison.Ordinal)} value=\"true\"{(on ? " checked" : "")}> <label for=\"{id}\">{E(label)}</label>{Hint(hintId, hint)}</div>\n";
            case ParameterType.Enum:
                var options = string.Concat((required ? [] : new[] { "" }).Concat(parameter.Choices).Select(choice =>
                    $"<option value=\"{E(choice)}\"{(choice == value ? " selected" : "")}>{(choice.Length == 0 ? (forConfig ? "(unchanged)" : "(default)") : E(choice))}</option>"));
                input = $"<select{attributes}>{options}</select>";
                break;
            case ParameterType.Int or ParameterType.Port:
                var min = parameter.Minimum ?? (parameter.Type == ParameterType.Port ? 1 : null);
                var max = parameter.Maximum ?? (parameter.Type == ParameterType.Port ? 65535 : null);
                input = $"<input type=\"number\" inputmode=\"numeric\"{attributes}{(min is null ? "" : $" min=\"{min}\"")}{(max is null ? "" : $" max=\"{max}\"")} value=\"{E(value)}\">";
                break;
            case ParameterType.Password:
                input = $"<input type=\"password\" autocomplete=\"new-password\"{attributes} value=\"\">";
                break;
            case ParameterType.Email:
                input = $"<input type=\"email\" autocomplete=\"off\"{attributes} value=\"{E(value)}\">";
                break;
            default:
                input = $"<input type=\"text\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\"{attributes} value=\"{E(value)}\">";
                break;
        }
        return $"<div class=\"field\"><label for=\"{id}\">{E(label)}{(required || forConfig ? "" : " <span class=\"optional\">(optional)</span>")}</label>{input}{Hint(hintId, hint)}</div>\n";
    }

    private static string Hint(string id, List<string> lines) => lines.Count == 0 ? "" : $"<p id=\"{id}\" class=\"hint\">{E(string.Join(" ", lines))}</p>";

    public static string ConfigPage(ConfigView view, IReadOnlyList<SiteParameter> parameters, AntiforgeryTokenSet csrf, FlashMessage? flash)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Configure {E(view.Vm)}</h1>\n<p>{E(view.ApplianceId)}, configuration {view.Generation}{(view.HasPending ? ", changes pending" : "")}.</p>\n");
        html.Append(FlashBox(flash));
        if (view.Entries.Count == 0)
            html.Append("<p>The appliance declares no site settings.</p>\n");
        else
        {
            html.Append("<table class=\"config\"><caption>Site settings</caption><thead><tr><th scope=\"col\">Setting</th><th scope=\"col\">Value</th><th scope=\"col\">Pending</th></tr></thead><tbody>\n");
            foreach (var entry in view.Entries)
            {
                var running = entry.Running is null ? "(not set)" : entry.Secret ? "(set)" : entry.RunningIsDefault ? $"{entry.Running} (default)" : entry.Running;
                var pending = !entry.PendingChanged ? "" : entry.Pending is null ? "(not set)" : entry.Secret ? "(a new password)" : entry.Pending;
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\" data-label=\"Setting\">{E(entry.Name)}</th><td data-label=\"Value\">{E(running)}</td><td data-label=\"Pending\">{E(pending)}</td></tr>\n");
            }
            html.Append("</tbody></table>\n");
            html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/vms/{U(view.Vm)}/config\" class=\"stacked\">{Token(csrf)}<fieldset><legend>Change settings</legend>\n");
            var byName = view.Entries.ToDictionary(entry => entry.Name, StringComparer.Ordinal);
            foreach (var parameter in parameters)
            {
                var entry = byName.GetValueOrDefault(parameter.Name);
                var shown = entry is null || entry.Secret ? null : entry.PendingChanged ? entry.Pending : entry.RunningIsDefault ? null : entry.Running;
                html.Append(Field(parameter, shown ?? (entry?.RunningIsDefault == true ? entry.Running : null), forConfig: true));
            }
            html.Append("</fieldset><button type=\"submit\">Save (applied with “Apply”)</button></form>\n");
        }
        var restartId = "restart";
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/vms/{U(view.Vm)}/config/apply\" class=\"stacked\" data-busy=\"Applying… a running VM restarts and must become healthy\">{Token(csrf)}")
            .Append(CultureInfo.InvariantCulture, $"<div class=\"field check\"><input type=\"hidden\" name=\"restart\" value=\"false\"><input type=\"checkbox\" id=\"{restartId}\" name=\"restart\" value=\"true\" checked> <label for=\"{restartId}\">Restart it now if it runs</label></div>")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"primary\"{(view.HasPending ? "" : " disabled")}>Apply</button> <a href=\"/\">Back</a></form>\n");
        return Layout($"Configure {view.Vm}", html.ToString());
    }

    public static string Login(AntiforgeryTokenSet csrf, bool failed) => Layout("Sign in", $"""
        <h1>Sign in</h1>
        {(failed ? "<div class=\"flash error\" role=\"alert\"><p>That is not the token this server was started with.</p></div>" : "")}
        <form method="post" action="/login" class="stacked">{Token(csrf)}
        <div class="field"><label for="token">Access token</label><input type="password" id="token" name="token" required autocomplete="current-password" aria-describedby="token-hint">
        <p id="token-hint" class="hint">The contents of the file given to <code>virt-appliance serve --token-file</code>.</p></div>
        <button type="submit" class="primary">Sign in</button>
        </form>
        """);

    private static string FlashBox(FlashMessage? flash) => flash is null ? "" :
        $"<div class=\"flash {(flash.Ok ? "ok" : "error")}\" role=\"{(flash.Ok ? "status" : "alert")}\" tabindex=\"-1\" data-flash><p>{E(flash.Text)}</p>"
        + string.Concat(flash.Lines.Select(line => $"<p class=\"detail\">{E(line)}</p>")) + "</div>\n";

    private static string ActionForm(string action, string text, string label, AntiforgeryTokenSet csrf) =>
        $"<form method=\"post\" action=\"{action}\" class=\"inline\" data-busy=\"{E(text)}…\">{Token(csrf)}<button type=\"submit\" aria-label=\"{E(label)}\">{E(text)}</button></form>";

    private static string Token(AntiforgeryTokenSet csrf) => $"<input type=\"hidden\" name=\"{E(csrf.FormFieldName)}\" value=\"{E(csrf.RequestToken)}\">";
}
