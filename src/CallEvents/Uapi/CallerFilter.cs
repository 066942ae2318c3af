using CallEvents.Accounts;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;

namespace CallEvents.Uapi;

/// <summary>
/// Authenticates every UAPI request with the OpenIddict validation handler and keeps the
/// <see cref="Accounts.Caller"/> on the request. Done here rather than with
/// RequireAuthorization so that a bad token gets the contract's 401 envelope, not an empty 401.
/// </summary>
public static class CallerFilter
{
    private const string ItemKey = "CallEvents.Caller";

    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            await AuthenticateAsync(context.HttpContext);
            return await next(context);
        });

    /// <summary>The caller of this request, or 401 access_denied; kept on the request for <see cref="Caller(HttpContext)"/>.</summary>
    public static async Task<Caller> AuthenticateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var caller = (result.Succeeded ? Accounts.Caller.FromPrincipal(result.Principal) : null)
            ?? throw UapiError.AccessDenied.Exception();
        http.Items[ItemKey] = caller;
        return caller;
    }

    public static Caller Caller(this HttpContext context) =>
        context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("RequireCaller() is missing on this endpoint.");
}
