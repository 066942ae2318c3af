using CallEvents.Uapi;

namespace CallEvents.OAuth.Tokens;

public static class TokenValidationCacheSetup
{
    /// <summary>
    /// Where the authentication middleware's default scheme used to authenticate every request:
    /// API requests that carry a token are authenticated here, through the cache, so that the
    /// middlewares after it (the rate limiter) see the caller as <c>HttpContext.User</c>. A bad
    /// token is not refused here: the endpoint's RequireCaller() answers 401 (the result is kept
    /// for the request, so it is validated once).
    /// </summary>
    public static IApplicationBuilder UseCachedTokenAuthentication(this IApplicationBuilder app)
    {
        return app.Use(next =>
        {
            // Resolved as the pipeline is built, when the host starts: after its settings are checked.
            var cache = app.ApplicationServices.GetRequiredService<TokenValidationCache>();
            return async context =>
            {
                // Every way a token can come (TokenValidationCache.TokenOfAsync): the rate limiter and
                // the failure budget after this see the caller whichever way its token travelled.
                if (TokenValidationCache.MayCarryToken(context.Request) && UapiLinks.IsApiPath(context.Request.Path))
                {
                    await cache.AuthenticateAsync(context);
                }
                await next(context);
            };
        });
    }
}
