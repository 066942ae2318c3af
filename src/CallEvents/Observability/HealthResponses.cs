using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallEvents.Observability;

/// <summary>
/// What a probe reads: <c>Healthy</c> or <c>Unhealthy</c> as plain text (200 / 503), as load
/// balancers and Kubernetes expect; with <c>Accept: application/json</c>, the status of each
/// check by name. Never a description or an exception: the endpoints are anonymous, and a
/// failure's details (a host name, a driver's message) are for the log.
/// </summary>
public static class HealthResponses
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (!accept.Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(report.Status.ToString());
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
