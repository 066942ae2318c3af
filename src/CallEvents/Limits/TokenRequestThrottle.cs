using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.Limits;

/// <summary>
/// The token endpoint's failure budget (<see cref="FailedAuthentications"/>), in two OpenIddict
/// handlers: one refuses a request over the budget before its client is authenticated (checking
/// the secret would let guessing go on), one counts each invalid_client answer and turns a
/// refusal into 429 with Retry-After.
/// </summary>
public static class TokenRequestThrottle
{
    /// <summary>The error of a refused token request: RFC 8628's "slow down", the one registered OAuth error that says the client asks too often.</summary>
    public const string Error = Errors.SlowDown;

    private const string RetryAfterProperty = "CallEvents.TokenRetryAfter";

    /// <summary>Before OpenIddict's <see cref="OpenIddictServerHandlers.Exchange.ValidateAuthentication"/>, which authenticates the client.</summary>
    public sealed class RefuseOverBudget(FailedAuthentications failures) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenRequestContext>()
                .UseSingletonHandler<RefuseOverBudget>()
                .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
        {
            var address = context.Transaction.GetHttpRequest()?.HttpContext.Connection.RemoteIpAddress;
            if (failures.TokenRequestRetryAfter(context.Request.ClientId, address) is { } retryAfter)
            {
                context.Transaction.Properties[RetryAfterProperty] = retryAfter;
                context.Reject(error: Error, description: "Too many failed client authentications. Retry after the time given in Retry-After.");
            }
            return default;
        }
    }

    /// <summary>
    /// After OpenIddict's <see cref="OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode{TContext}"/>
    /// (which would answer 400 for the refusal) and before the response is written.
    /// </summary>
    public sealed class AnswerAndCount(FailedAuthentications failures) : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyTokenResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyTokenResponseContext>()
                .UseSingletonHandler<AnswerAndCount>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
        {
            var response = context.Transaction.GetHttpRequest()?.HttpContext.Response;
            if (response is null)
            {
                return default;
            }
            if (context.Error == Errors.InvalidClient)
            {
                failures.CountClientFailure(context.Request?.ClientId, response.HttpContext.Connection.RemoteIpAddress);
            }
            else if (context.Error == Error && context.Transaction.Properties.TryGetValue(RetryAfterProperty, out var value) && value is TimeSpan retryAfter)
            {
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = RetryAfter.Seconds(retryAfter);
            }
            return default;
        }
    }
}
