using CallEvents.Uapi;

namespace CallEvents.Hosting.Startup;

public sealed class DatabaseReadinessMiddleware(RequestDelegate next, DatabaseReadiness readiness)
{
    public const string RetryAfterSeconds = "5";

    public Task InvokeAsync(HttpContext context)
    {
        if (!readiness.IsHeld)
        {
            return next(context);
        }
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return UapiJson.WriteErrorAsync(context, UapiError.ServiceUnavailable);
    }
}
