using System.Security.Claims;
using CallEvents.OAuth.Consents;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Web;
using CallEvents.Web.SignIn;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.Authorization;

/// <summary>
/// <c>GET|POST /oauth/authorize.php</c> and <c>/oauth/authorize</c>: the authorization-code flow
/// (RFC 6749 §4.1 with PKCE, RFC 7636). OpenIddict has already checked the request (the client,
/// its exact registered redirect URI, <c>response_type=code</c>, an S256 code challenge); this
/// decides who the code is for: the account signed in on the sign-in page (Web/SignIn), once it
/// has consented to the app (the consent page, remembered per account and app: OAuth/Consents).
/// A request OpenIddict refused that cannot go back to its app gets an HTML page, never a redirect.
/// </summary>
public static class AuthorizationEndpoint
{
    public static void MapAuthorizationEndpoint(this IEndpointRouteBuilder routes)
    {
        foreach (var path in new[] { AuthorizeUrl.PhpPath, AuthorizeUrl.Path })
        {
            routes.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        }
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, CallEventsDb db, IOpenIddictApplicationManager applications,
        ConsentRegistry consents, IAntiforgery antiforgery)
    {
        if (context.GetOpenIddictServerResponse() is { Error: { } error } refused)
        {
            return ErrorPage(StatusCodes.Status400BadRequest, "This sign-in request cannot be used",
                (refused.ErrorDescription ?? "The request is not valid.") + " Nothing was sent back to the app: ask its developer.", error);
        }
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        var cancellationToken = context.RequestAborted;

        var accountId = await SignInSession.AccountIdAsync(context);
        var account = accountId is null ? null : await TokenClaims.ReadAsync(db, accountId, cancellationToken);
        if (account is null)
        {
            if (accountId is not null)
            {
                await context.SignOutAsync(SignInSession.Scheme); // the account is gone
            }
            var parameters = request.GetParameters().Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()));
            return Results.Redirect("/oauth/signin?returnUrl=" + Uri.EscapeDataString(AuthorizeUrl.Of(parameters)));
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict validated a client that is not there.");
        var app = await (from a in db.Apps.AsNoTracking()
                         where a.ClientId == request.ClientId
                         join registrant in db.Accounts on a.AccountId equals registrant.Id
                         select new { a.Name, a.AccountId, OwnerName = registrant.Name }).FirstOrDefaultAsync(cancellationToken);
        var owner = app is null ? null : await TokenClaims.ReadAsync(db, app.AccountId, cancellationToken);
        if (app is null || owner is null || !AppAudience.Includes(owner, account))
        {
            return ErrorPage(StatusCodes.Status403Forbidden, "This app is not offered to your account",
                $"The app is registered to another organization than {account.Id}'s, and may not act as it.", Errors.AccessDenied);
        }

        var consent = await consents.FindAsync(account.Id, application, cancellationToken);
        if (HttpMethods.IsPost(context.Request.Method))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                return ErrorPage(StatusCodes.Status400BadRequest, "This form has expired",
                    "The answer did not come from this server's consent page. Go back to the app and start again.", Errors.InvalidRequest);
            }
            var decision = context.Request.Form["decision"].ToString();
            if (decision == "deny")
            {
                return Refuse(Errors.AccessDenied, "The account did not consent.");
            }
            if (decision == "allow" && consent is null)
            {
                consent = await consents.GiveAsync(account.Id, application, cancellationToken);
            }
        }
        // A first-party app registered with --first-party (consent type implicit) needs no consent
        // page: its operator vouched for it. Its consent is still recorded, listed and revocable.
        if (consent is null && await applications.HasConsentTypeAsync(application, ConsentTypes.Implicit, cancellationToken))
        {
            consent = await consents.GiveAsync(account.Id, application, cancellationToken);
        }
        if (consent is null)
        {
            PageSecurityHeaders.AllowFormActionTo(context, new Uri(request.RedirectUri!));
            var tokens = antiforgery.GetAndStoreTokens(context);
            return new RazorComponentResult<ConsentPage>(new Dictionary<string, object?>
            {
                [nameof(ConsentPage.AppName)] = app.Name,
                [nameof(ConsentPage.OwnerName)] = app.OwnerName,
                [nameof(ConsentPage.AccountName)] = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Name).FirstAsync(cancellationToken),
                [nameof(ConsentPage.AccountId)] = account.Id,
                [nameof(ConsentPage.Action)] = context.Request.Path.Value,
                [nameof(ConsentPage.AntiforgeryField)] = tokens.FormFieldName,
                [nameof(ConsentPage.AntiforgeryToken)] = tokens.RequestToken,
                [nameof(ConsentPage.Parameters)] = request.GetParameters()
                    .Where(p => p.Key != tokens.FormFieldName && p.Key != "decision")
                    .Select(p => KeyValuePair.Create(p.Key, p.Value.ToString() ?? "")).ToList(),
            });
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        TokenClaims.Write(identity, account);
        // offline_access whether asked or not: OpenIddict issues a refresh token only with it, and
        // every app of this flow gets one (the scope names nothing else here: docs/api.md).
        identity.SetScopes(request.GetScopes().Add(Scopes.OfflineAccess).Distinct());
        identity.SetAuthorizationId(await consents.IdAsync(consent, cancellationToken));
        AccessTokenOnly.Mark(identity);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>An answer for the app, at its redirect URI (OpenIddict adds the state).</summary>
    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    internal static RazorComponentResult<AuthorizationErrorPage> ErrorPage(int status, string title, string message, string? code) =>
        new(new Dictionary<string, object?>
        {
            [nameof(AuthorizationErrorPage.Title)] = title,
            [nameof(AuthorizationErrorPage.Message)] = message,
            [nameof(AuthorizationErrorPage.Code)] = code,
        })
        { StatusCode = status };
}
