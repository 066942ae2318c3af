using CallEvents.Accounts;
using CallEvents.OAuth.Tokens;
using Microsoft.AspNetCore.Authentication;

namespace CallEvents.Web.Console.Session;

/// <summary>
/// The person signed in to the console: the <see cref="Accounts.Caller"/> the session's access
/// token stands for, validated on every request exactly as the API validates a bearer token
/// (<see cref="TokenValidationCache"/>: signature, expiry, the app's secret stamp), so a revoked
/// or expired token ends the session at once. Every console action is done as this caller,
/// through the API's own services (Accounts/ExtensionAccess, the PhoneCallEvents handlers' cores).
/// <para>
/// Events made in the console are registered by no app: the console is one app for every
/// tenant, and its signing secret would let each tenant's receivers check, and forge, the others'
/// signatures; their deliveries go out unsigned (docs/console.md).
/// </para>
/// </summary>
public sealed record ConsoleSession(Caller Caller, string AccountName, string AccessToken)
{
    private const string ItemKey = "CallEvents.ConsoleSession";

    /// <summary>The session of this request, or null when there is none (or its token no longer holds: the cookie is then removed).</summary>
    public static async Task<ConsoleSession?> OfAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var known))
        {
            return known as ConsoleSession;
        }
        ConsoleSession? session = null;
        var result = await http.AuthenticateAsync(ConsoleSetup.CookieScheme);
        if (result.Succeeded && result.Properties.GetTokenValue("access_token") is { Length: > 0 } token)
        {
            var caller = await http.RequestServices.GetRequiredService<TokenValidationCache>().ValidateTokenAsync(token, http.RequestAborted);
            // The cookie names the account it was made for; the token must still stand for it.
            if (caller is not null && caller.AccountId == result.Principal.FindFirst("sub")?.Value)
            {
                session = new ConsoleSession(caller, result.Principal.Identity?.Name ?? caller.AccountId, token);
            }
            else
            {
                await http.SignOutAsync(ConsoleSetup.CookieScheme);
            }
        }
        http.Items[ItemKey] = session;
        return session;
    }

    /// <summary>The session found for this request so far, without looking (the frame of an error page).</summary>
    public static ConsoleSession? Known(HttpContext http) => http.Items.TryGetValue(ItemKey, out var known) ? known as ConsoleSession : null;

    /// <summary>The session an endpoint behind ConsoleSetup's session filter runs with.</summary>
    public static ConsoleSession Of(HttpContext http) =>
        http.Items[ItemKey] as ConsoleSession ?? throw new InvalidOperationException("RequireSession() is missing on this endpoint.");
}
