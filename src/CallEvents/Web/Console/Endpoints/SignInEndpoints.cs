using CallEvents.OAuth.Authorization;
using CallEvents.OAuth.Tokens;
using CallEvents.Web.Console.Pages;
using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>The landing page, the sign-in (a challenge of the OAuth handler: off to /oauth/authorize and back), and the sign-out.</summary>
public static class SignInEndpoints
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("", async (HttpContext http) =>
        {
            if (await ConsoleSession.OfAsync(http) is not null)
            {
                return Results.Redirect(ConsoleLinks.Extensions());
            }
            string? message = http.Request.Query["signin"] == "failed" ? "The sign-in did not complete, so you are not signed in. Try again."
                : http.Request.Query["signedout"].Count > 0 ? "You are signed out." : null;
            return ConsolePage.Show<LandingPage>(http, "Sign in", new LandingPage.View(message));
        });
        console.MapGet("/signin", async (HttpContext http, ConsoleClient client) =>
            await client.EnsureRegisteredAsync(http.RequestAborted)
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalReturn(http.Request.Query["returnUrl"].ToString()) }, [ConsoleSetup.OAuthScheme])
                : ConsoleErrors.Page(http, StatusCodes.Status503ServiceUnavailable, "The console is not set up",
                    "The console is registered to the Admin account, and this server has none yet: create it with callevents accounts add, or the demo tenant with callevents demo."));
        console.MapPost("/signout", async (HttpContext http, OpenIddictValidationService validation, IOpenIddictTokenManager tokens, TokenValidationCache validated) =>
        {
            if (await ConsoleSession.OfAsync(http) is { } session)
            {
                await RevokeAsync(session.AccessToken, validation, tokens, validated, http.RequestAborted);
            }
            await http.SignOutAsync(ConsoleSetup.CookieScheme);
            // The server's own sign-in too: else the next console page signs the person straight back in, no password asked.
            await http.SignOutAsync(SignInSession.Scheme);
            return Results.Redirect(ConsoleSetup.Path + "?signedout=1", permanent: false, preserveMethod: false);
        });
    }

    /// <summary>
    /// The session's access token stops working, not just its cookie: its token entry is revoked
    /// (a token of the authorization-code flow has one; one without is left to expire), and the
    /// console's entries leave this process's validation cache (other nodes: within its bound).
    /// </summary>
    private static async Task RevokeAsync(string token, OpenIddictValidationService validation, IOpenIddictTokenManager tokens, TokenValidationCache validated,
        CancellationToken cancellationToken)
    {
        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(token, cancellationToken);
        }
        catch (OpenIddictExceptions.ProtocolException)
        {
            return; // already expired or revoked
        }
        if (principal.GetTokenId() is { } id && await tokens.FindByIdAsync(id, cancellationToken) is { } entry)
        {
            await tokens.TryRevokeAsync(entry, cancellationToken);
        }
        validated.ForgetClient(ConsoleClient.ClientId);
    }

    public static string SignInLink(string returnUrl) => "/console/signin?returnUrl=" + Uri.EscapeDataString(returnUrl);

    /// <summary>Where a sign-in may come back to: a console page of this server, never another site (no open redirect).</summary>
    public static string LocalReturn(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2048 } url && url.StartsWith("/console", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && !url.StartsWith("/console/signin", StringComparison.Ordinal)
            && Uri.TryCreate(url, UriKind.Relative, out _)
            ? url
            : ConsoleLinks.Extensions();
}
