using System.CommandLine;
using Microsoft.Extensions.Hosting;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Web;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>serve: the web page, the REST API and /metrics over the same services as the other verbs.</summary>
internal static class ServeCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var listen = new Option<string>("--listen")
        {
            Description = "ADDRESS:PORT to listen on (port 0: a free one). Any address but loopback requires --token-file",
            DefaultValueFactory = _ => ServeOptions.DefaultListen,
            HelpName = "ADDRESS:PORT",
        };
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "A file holding the bearer token every request must carry (at least 32 characters, e.g. 'openssl rand -hex 32')",
            HelpName = "FILE",
        };
        var watchInterval = new Option<int>("--watch-interval")
        {
            Description = "Seconds between watch passes (status, thresholds, alerts, notifications, the gauges of /metrics)",
            DefaultValueFactory = _ => 60,
            HelpName = "SECONDS",
        };
        var connect = new HostOptions().Connect;
        var command = new Command("serve", """
            Serve a web page, a REST API and Prometheus metrics for the store and its VMs, from one
            process, over the same services as the other verbs. The page lists appliances and VMs with
            their state (live, from libvirt's events), disks and actions (deploy with a form built from
            the appliance's site parameters, start, stop, update, rollback, configure, undeploy). The API
            is under /api/v1 (OpenAPI document at /openapi/v1.json); its JSON is the verbs' --json, and a
            failure answers the verb's error with the HTTP status of its exit code. Metrics at /metrics.

            It listens on 127.0.0.1:8080 unless told otherwise. Any other address refuses to start without
            --token-file; every request must then carry 'Authorization: Bearer TOKEN' (browsers sign in
            once with the token). Forms carry an antiforgery token. Ctrl-C stops it; an operation still
            running is undone as a verb's would be.

            Examples:
              virt-appliance serve
              virt-appliance serve --listen 127.0.0.1:9090
              virt-appliance serve --listen 0.0.0.0:8443 --token-file /etc/virt-appliance/token
              curl -H "Authorization: Bearer $(cat token)" http://host:8443/api/v1/vms
            """)
        {
            listen, tokenFile, watchInterval, connect,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var token = context.Get(tokenFile) is { } file ? ReadToken(context, file) : null;
            if (context.Get(watchInterval) < 1)
                throw new UsageException($"--watch-interval {context.Get(watchInterval)}: give at least 1 second");
            var options = new ServeOptions(context.Get(listen)!, token, HostOptions.ConnectionUri(context.Get(connect)))
            {
                WatchInterval = TimeSpan.FromSeconds(context.Get(watchInterval)),
            };
            await using var app = WebServer.Create(options, context.Services);
            var url = await WebServer.StartAsync(app, cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(new { Url = url, Api = $"{url}api/v1", OpenApi = $"{url}openapi/v1.json", Metrics = $"{url}metrics", Store = context.Root, Uri = options.Uri });
            else
                context.Output.Line($"virt-appliance: serving {url} (store {context.Root}, libvirt {options.Uri}); REST API {url}api/v1, OpenAPI {url}openapi/v1.json, metrics {url}metrics"
                    + (token is null ? "" : "; requests need the bearer token") + ". Ctrl-C stops it.");
            await context.Output.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ReadToken(CommandContext context, string file)
    {
        if (!File.Exists(file))
            throw new Core.Errors.NotFoundException($"--token-file {file}: no such file") { Hint = "make one: openssl rand -hex 32 > FILE; chmod 600 FILE" };
        var token = File.ReadAllText(file).Trim();
        if (token.Length == 0)
            throw new UsageException($"--token-file {file} is empty; put a token in it (openssl rand -hex 32 > {file})");
        if ((File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            context.Output.Error($"virt-appliance: warning: {file} can be read by other users of this machine (chmod 600 {file})");
        return token;
    }
}
