using CallEvents.Accounts;
using CallEvents.OAuth.Tokens;
using CallEvents.Uapi.Declarations;

namespace CallEvents.Uapi;

/// <summary>
/// Authenticates every UAPI request (OpenIddict validation, through a short cache) and keeps the
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
        })
        .WithMetadata(new CallerRequired())
        .Answers(DeclaredErrors.OfAuthenticatedRoutes);

    /// <summary>The caller of this request, or 401 access_denied; kept on the request for <see cref="Caller(HttpContext)"/>.</summary>
    public static async Task<Caller> AuthenticateAsync(HttpContext http)
    {
        // Cached validation (OAuth/Tokens/TokenValidationCache.cs): the full OpenIddict check was most
        // of the cost of a request; revocation is honoured within a bounded, documented delay.
        var caller = await http.RequestServices.GetRequiredService<TokenValidationCache>().AuthenticateAsync(http)
            ?? throw UapiError.AccessDenied.Exception();
        http.Items[ItemKey] = caller;
        return caller;
    }

    public static Caller Caller(this HttpContext context) =>
        context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("RequireCaller() is missing on this endpoint.");
}
