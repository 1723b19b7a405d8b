using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using VirtAppliance.Core.Services;
using VirtAppliance.Web.Contracts;
using VirtAppliance.Web.Endpoints;
using VirtAppliance.Web.Live;
using VirtAppliance.Web.Pages;
using VirtAppliance.Web.Security;

namespace VirtAppliance.Web;

/// <summary>
/// <c>virt-appliance serve</c>: one ASP.NET Core process over the services the CLI uses: the page (/), the REST API (/api/v1,
/// described at /openapi/v1.json), live events (/events) and Prometheus metrics (/metrics).
/// </summary>
public static class WebServer
{
    /// <summary>Checks the options and builds the server; <see cref="StartAsync"/> starts it.</summary>
    /// <exception cref="UsageException">An address that is not loopback without a token, or a token too short to be one.</exception>
    public static WebApplication Create(ServeOptions options, ApplianceServices services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        var listen = ListenAddress.Parse(options.Listen);
        if (!listen.IsLoopback && options.Token is null)
            throw new UsageException($"--listen {options.Listen} is reachable from other machines, so serve requires a token: give --token-file FILE "
                + "(e.g. 'openssl rand -hex 32 > FILE; chmod 600 FILE'); every request must then carry 'Authorization: Bearer TOKEN'. Without one, listen on 127.0.0.1.");
        if (options.Token is { } given && given.Length < BearerToken.MinimumLength)
            throw new UsageException($"the token is {given.Length} characters long; give at least {BearerToken.MinimumLength} (e.g. 'openssl rand -hex 32')");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(WebServer).Assembly.GetName().Name, Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen.Address, listen.Port));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; });
        // Request lines carry no secrets, but they are noise; the server's own messages say what matters.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // Pages carry antiforgery tokens and are never cached anyway: its note that it set Cache-Control is noise.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Antiforgery", LogLevel.Error);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Flash>();
        builder.Services.AddSingleton<Operations>();
        builder.Services.AddSingleton<LiveStateService>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<LiveStateService>());
        builder.Services.AddSingleton<WatchLoop>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WatchLoop>());
        if (options.Token is { } token)
            builder.Services.AddSingleton(provider => new BearerToken(token, provider.GetRequiredService<TimeProvider>()));
        // Antiforgery and session keys live in memory: nothing is written to disk, and a restart simply asks for a fresh form.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "va_csrf";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.FormFieldName = "__csrf";
        });
        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "virt-appliance";
            document.Info.Description = "Every CLI verb that reads or changes the store or its VMs. Bodies and answers are the CLI's --json; "
                + "failures answer its error body with the HTTP status of its exit code (2→400, 3/4/5→422, 6→502, 7→404, 8→409, 1→500).";
            return Task.CompletedTask;
        }));
        if (listen.IsLoopback)
            builder.Services.Configure<HostFilteringOptions>(filtering => filtering.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);

        var app = builder.Build();
        app.Use(SecurityHeadersAsync);
        // On loopback, only requests that name this machine: a web page elsewhere cannot rebind its own name to 127.0.0.1.
        if (listen.IsLoopback)
            app.UseHostFiltering();
        if (app.Services.GetService<BearerToken>() is { } bearer)
            app.Use((context, next) => RequireTokenAsync(context, next, bearer));
        app.UseHttpMetrics();
        app.MapMetrics("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/assets/{file}", Asset).ExcludeFromDescription();
        ApiEndpoints.Map(app, options);
        LiveEndpoints.Map(app);
        PageEndpoints.Map(app, options);
        return app;
    }

    /// <summary>Starts listening; returns the page's address (with the port the system chose for port 0).</summary>
    public static async Task<string> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the server did not say where it listens");
        return bound.EndsWith('/') ? bound : bound + "/";
    }

    private static Task SecurityHeadersAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!context.Request.Path.StartsWithSegments("/assets"))
            headers.CacheControl = "no-store";
        return next(context);
    }

    private static async Task RequireTokenAsync(HttpContext context, RequestDelegate next, BearerToken token)
    {
        var path = context.Request.Path;
        var authorization = context.Request.Headers.Authorization.ToString();
        var presented = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        if (path.StartsWithSegments("/assets") || path.Equals("/login", StringComparison.Ordinal)
            || token.Matches(presented) || token.IsSession(context.Request.Cookies[BearerToken.CookieName]))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var machine = path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/events");
        if (!machine && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect("/login");
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Json(new ErrorJson(new ErrorDetailJson(ExitCodes.Usage, "unauthorized",
                presented is null ? "this server requires a token" : "that is not this server's token", "send 'Authorization: Bearer TOKEN' with the token serve was started with",
                [], [], null, [])), ApiJson.Options, statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(context).ConfigureAwait(false);
    }

    private static IResult Asset(string file)
    {
        var type = Path.GetExtension(file) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        var stream = type is null ? null : Assembly.GetExecutingAssembly().GetManifestResourceStream($"assets/{file}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, type);
    }
}
