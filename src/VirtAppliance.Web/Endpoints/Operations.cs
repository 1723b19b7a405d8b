using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VirtAppliance.Web.Live;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Web.Endpoints;

/// <summary>
/// Runs one service call for the API or the page: failures mapped to the CLI's exit code (and so to an HTTP status) and logged;
/// the service counts and times it (ApplianceMetrics). An operation runs to its end even when the client goes
/// away (a deploy is not undone because a browser tab closed); stopping the server cancels it, and it is undone as after Ctrl-C.
/// </summary>
public sealed partial class Operations(WatchLoop watch, IHostApplicationLifetime lifetime, ILogger<Operations> logger)
{
    public async Task<Outcome<T>> RunAsync<T>(string operation, Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            var value = await work(lifetime.ApplicationStopping).ConfigureAwait(false);
            watch.RequestPass();
            return new Outcome<T>(value, null, ExitCodes.Success);
        }
        catch (Exception error) when (error is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var code = ExitCodes.For(error);
            if (code == ExitCodes.Unexpected)
                LogUnexpected(logger, error, operation);
            else
                LogFailed(logger, operation, code, error.Message);
            return new Outcome<T>(default, error, code);
        }
    }

    /// <summary>For the REST API: the value as JSON with <paramref name="status"/>, or the error body with its exit code's HTTP status.</summary>
    public async Task<IResult> ApiAsync<T>(string operation, Func<CancellationToken, Task<T>> work, int status = StatusCodes.Status200OK)
    {
        var outcome = await RunAsync(operation, work).ConfigureAwait(false);
        return outcome.Error is { } error
            ? Results.Json(ErrorJson.From(error, outcome.ExitCode), ApiJson.Options, statusCode: ExitCodes.HttpStatus(outcome.ExitCode))
            : Results.Json(outcome.Value, ApiJson.Options, statusCode: status);
    }

    /// <summary>A request the API refuses before any service runs (malformed body): HTTP 400 with the usual error body.</summary>
    public static IResult BadRequest(string message, string? hint = null) =>
        Results.Json(new ErrorJson(new ErrorDetailJson(ExitCodes.Usage, ExitCodes.Kind(ExitCodes.Usage), message, hint, [], [], null, [])), ApiJson.Options,
            statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} failed (exit {ExitCode}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string operation, int exitCode, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Operation} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string operation);
}

/// <summary>What an operation gave: its value, or the error and the exit code the CLI would have ended with.</summary>
public sealed record Outcome<T>(T? Value, Exception? Error, int ExitCode);
