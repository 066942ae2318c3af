using System.Diagnostics;

namespace CallEvents.Observability;

/// <summary>
/// One log line per request, written when it is answered: method, path (never the query: it may
/// carry <c>accessRequestToken</c>), status, duration and trace id. Outermost in the pipeline, so
/// the status is the one the client got and the duration includes everything. ASP.NET Core's
/// own per-request lines (two or more per request, at Information) are off in appsettings.json.
/// Probes and scrapes come every few seconds: their lines are Debug.
/// </summary>
public sealed class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    public const string Category = "CallEvents.Requests";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var level = ObservabilitySetup.IsOperatorPath(context.Request.Path) ? LogLevel.Debug : LogLevel.Information;
            if (_logger.IsEnabled(level))
            {
                var path = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
                _logger.Log(level, "{Method} {Path} {StatusCode} in {ElapsedMs} ms, trace {TraceId}",
                    context.Request.Method, path.Length > 256 ? path[..256] : path, failed ? 500 : context.Response.StatusCode,
                    Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1), Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
            }
        }
    }
}
