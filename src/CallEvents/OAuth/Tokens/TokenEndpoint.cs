using System.Security.Claims;
using CallEvents.Storage;
using CallEvents.Uapi;
using CallEvents.Uapi.Declarations;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// <c>POST /oauth/token.php</c> and <c>/oauth/token</c>. OpenIddict has already parsed the
/// request, authenticated the client and checked that it may use the grant; this decides what
/// the token says: the account the app is registered to, its kind and organization (client
/// credentials), or the account that signed in and consented (authorization code, refresh token:
/// OAuth/Authorization). Clients' extra parameters (type, redirect_uri, state) are ignored by the
/// client-credentials grant.
/// </summary>
public static class TokenEndpoint
{
    public static void MapTokenEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/oauth/token.php", IssueAsync).WithName("issueToken").WithTags("OAuth")
            .WithSummary("Get an access token (client credentials)")
            .Takes<TokenForm>("application/x-www-form-urlencoded")
            .Produces<TokenAnswer>(StatusCodes.Status200OK)
            .Produces<TokenError>(StatusCodes.Status400BadRequest)
            .Produces<TokenError>(StatusCodes.Status401Unauthorized)
            .Produces<TokenError>(StatusCodes.Status429TooManyRequests);
        routes.MapPost("/oauth/token", IssueAsync).ExcludeFromDescription();
        // Discovery and the key set are not served (OAuthSetup.cs): an answer in the envelope, not an empty 404.
        routes.Map("/.well-known/{**rest}", IResult () => throw UapiError.RequestNotImplemented.Exception()).ExcludeFromDescription();
    }

    private static async Task<IResult> IssueAsync(HttpContext context, CallEventsDb db, AppAccounts accounts)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            return await RenewAsync(context, db);
        }
        if (!request.IsClientCredentialsGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        }

        var account = await accounts.FindAsync(db, request.ClientId!, context.RequestAborted);
        if (account is null)
        {
            return Forbid(Errors.InvalidClient, "The client is not registered to an account.");
        }

        // Binds the token to the app's current secret (SecretStamp.cs); null only if the app was
        // deleted since OpenIddict checked its secret a moment ago.
        var stamp = await SecretStamp.ForIssueAsync(db, request.ClientId!, context.RequestAborted);
        if (stamp is null)
        {
            return Forbid(Errors.InvalidClient, "The client is not registered.");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        TokenClaims.Write(identity, account);
        identity.SetClaim(SecretStamp.Claim, stamp);
        AccessTokenOnly.Mark(identity);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// An authorization code or a refresh token, which OpenIddict has already checked (its entry
    /// unspent and unrevoked, the consent it came from still valid, the PKCE verifier, the
    /// redirect URI): new tokens of the same family (the consent: OpenIddict's authorization), for
    /// the person who consented, with the account's claims read now (an account removed since is
    /// refused). These tokens carry no secret stamp: each has a token entry instead, which is what
    /// revoking the consent or reusing a spent refresh token revokes (docs/api.md).
    /// </summary>
    private static async Task<IResult> RenewAsync(HttpContext context, CallEventsDb db)
    {
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var account = principal?.GetClaim(Claims.Subject) is { } subject ? await TokenClaims.ReadAsync(db, subject, context.RequestAborted) : null;
        if (principal?.Identity is not ClaimsIdentity identity || account is null)
        {
            return Forbid(Errors.InvalidGrant, "The account that consented is gone.");
        }
        TokenClaims.Write(identity, account);
        AccessTokenOnly.Mark(identity);
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// OpenIddict computes <c>expires_in</c> from the expiry it just set, which has already
    /// moved on by a fraction of a second, so it answers 3599. Clients check the contract's
    /// <c>"expires_in":3600</c>; every access token lives exactly the configured lifetime, so
    /// that is what the answer says.
    /// </summary>
    public sealed class WholeExpiresIn : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyTokenResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyTokenResponseContext>()
                .UseSingletonHandler<WholeExpiresIn>()
                .SetOrder(int.MinValue + 100_000) // before the response is written
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
        {
            if (context.Response.AccessToken is not null && context.Response.ExpiresIn is not null)
            {
                context.Response.ExpiresIn = (long)OAuthSetup.AccessTokenLifetime.TotalSeconds;
            }
            return default;
        }
    }

    /// <summary>
    /// Reads the token request's form before OpenIddict does, within limits, and turns a form
    /// that cannot be read into RFC 6749's <c>invalid_request</c>. Why: OpenIddict reads the form
    /// itself (ExtractPostRequest) and lets ASP.NET Core's exceptions through: a form over
    /// FormOptions' limits (1024 fields, 2048-character names) throws InvalidDataException, a
    /// media type that only starts like a form's (<c>application/x-www-form-urlencodedx</c>)
    /// InvalidOperationException, a bad or oversized body BadHttpRequestException; each was a 500
    /// with a stack trace in the log, for anyone, without credentials. OpenIddict then finds the
    /// form already read. The body may be at most 64 KiB, as on the UAPI: a token request is a
    /// few short fields, and no client needs to make this unauthenticated endpoint read more.
    /// </summary>
    public sealed class FormWithinLimits : IOpenIddictServerHandler<OpenIddictServerEvents.ExtractTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ExtractTokenRequestContext>()
                .UseSingletonHandler<FormWithinLimits>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<OpenIddictServerEvents.ExtractTokenRequestContext>.Descriptor.Order - 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictServerEvents.ExtractTokenRequestContext context)
        {
            var request = context.Transaction.GetHttpRequest();
            // The same test as ExtractPostRequest's: what it would read as a form, read here first.
            if (request is null || !HttpMethods.IsPost(request.Method)
                || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
            {
                return;
            }
            if (!request.HasFormContentType)
            {
                Reject(context, "The specified 'Content-Type' header is invalid.");
                return;
            }
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = Uapi.UapiBody.MaxBytes;
            }
            try
            {
                await request.ReadFormAsync(context.CancellationToken);
            }
            catch (InvalidDataException)
            {
                Reject(context, "The form has too many fields, or a field name that is too long.");
            }
            catch (BadHttpRequestException exception)
            {
                Reject(context, exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than 64 KiB."
                    : "The request body could not be read.");
            }
        }

        /// <summary>A client's mistake: one line at Information, as OpenIddict logs its own rejections, never a stack trace.</summary>
        private static void Reject(OpenIddictServerEvents.ExtractTokenRequestContext context, string description)
        {
            context.Logger.LogInformation("The token request was rejected: {Description}", description);
            context.Reject(Errors.InvalidRequest, description);
        }
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
