using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CallEvents.Uapi;

/// <summary>
/// Contract §8: 429 too_many_requests per app, with Retry-After. ASP.NET Core's rate limiter,
/// one fixed window per OAuth client id. It runs after authentication, which has already put the
/// token's claims on the request, so the partition costs nothing extra. Requests without a valid
/// token are not counted here: they end in 401 before doing any work, and count against their
/// address's failure budget instead (Limits/FailedAuthentications.cs).
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddUapiRateLimiting(this IServiceCollection services)
    {
        // RateLimitingOptions is registered with every command's settings (Program.AddCommandServices).
        services.AddSingleton<Limits.FailedAuthentications>(); // the failure budgets of authentication (Limits/)
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, settings) =>
        {
            var options = settings.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var clientId = Accounts.Caller.ClientIdOf(context.User);
                return options.PermitLimit == 0 || clientId is null || !UapiLinks.IsApiPath(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter(clientId, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit,
                        Window = options.Window,
                        QueueLimit = 0,
                    });
            });
            limiter.OnRejected = async (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = Limits.RetryAfter.Seconds(
                    rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero);
                await UapiJson.WriteErrorAsync(rejected.HttpContext, UapiError.TooManyRequests);
            };
        });
        return services;
    }
}
