using CallEvents.OAuth.Tokens;
using CallEvents.Uapi;

namespace CallEvents.Limits;

/// <summary>
/// Refused bearer tokens on the API count against their address's failure budget
/// (<see cref="FailedAuthentications"/>); over it, a refused token is answered 429
/// too_many_requests with Retry-After instead of 401. A valid token is always served, from any
/// address: a token cannot be guessed, so the limit is there to make a broken or hostile client back
/// off, never to turn away a caller that authenticates.
/// </summary>
public static class BearerFailureLimit
{
    /// <summary>After UseCachedTokenAuthentication, whose result for the request this reads.</summary>
    public static IApplicationBuilder UseBearerFailureLimit(this IApplicationBuilder app) =>
        app.Use(next =>
        {
            var cache = app.ApplicationServices.GetRequiredService<TokenValidationCache>();
            var failures = app.ApplicationServices.GetRequiredService<FailedAuthentications>();
            return async context =>
            {
                if (TokenValidationCache.MayCarryToken(context.Request) && UapiLinks.IsApiPath(context.Request.Path)
                    && await cache.AuthenticateAsync(context) is null)
                {
                    var address = context.Connection.RemoteIpAddress;
                    if (failures.BearerRetryAfter(address) is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
                        await UapiJson.WriteErrorAsync(context, UapiError.TooManyRequests);
                        return;
                    }
                    failures.CountBearerFailure(address);
                }
                await next(context);
            };
        });
}
