using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace CallEvents.OAuth.Authorization;

/// <summary>
/// The sign-in session of the authorization endpoint: an ASP.NET Core authentication cookie that
/// says which account signed in on the sign-in page, so that the next authorization request (of
/// this app or another) needs no password again. It is sent to <c>/oauth</c> only, where the
/// authentication middleware runs (Hosting/BranchedAuthentication.cs); it is no console session:
/// the console is a client of this endpoint and keeps a session of its own.
/// </summary>
public static class SignInSession
{
    /// <summary>The authentication scheme (for <c>AuthenticateAsync</c>, <c>SignOutAsync</c>).</summary>
    public const string Scheme = "CallEvents.SignIn";

    public const string CookieName = "callevents.signin";

    public const string CookiePath = "/oauth";

    /// <summary>The claim that holds the signed-in account's id.</summary>
    public const string AccountClaim = "account";

    /// <summary>How long a sign-in lasts without a request to the authorization endpoint.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(1);

    public static AuthenticationBuilder AddSignInSession(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = CookiePath;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure on HTTPS
            // Lax, not Strict: the authorization request is a top-level navigation from the app's
            // site, and must arrive with the session; a cross-site POST (CSRF) never carries it.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = IdleLifetime;
            options.SlidingExpiration = true;
        });

    /// <summary>The signed-in account's id, or null.</summary>
    public static async Task<string?> AccountIdAsync(HttpContext context) =>
        (await context.AuthenticateAsync(Scheme)).Principal?.FindFirst(AccountClaim)?.Value;

    public static Task SignInAsync(HttpContext context, string accountId) =>
        context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(AccountClaim, accountId)], Scheme)));
}
