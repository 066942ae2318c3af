using CallEvents.Hosting.Settings;
using CallEvents.Limits;
using CallEvents.OAuth.Authorization;
using CallEvents.OAuth.Consents;
using CallEvents.OAuth.OpenIddict;
using CallEvents.OAuth.Tokens;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Validation;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth;

public static class OAuthSetup
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>A code is redeemed within this, once (RFC 6749 §4.1.2 recommends at most 10 minutes).</summary>
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The paths the authentication middleware sees (Hosting/BranchedAuthentication.cs): OpenIddict's
    /// endpoints (token, authorization) and the sign-in page, whose session cookie is sent to /oauth only.
    /// </summary>
    public static bool IsOAuthPath(HttpContext context) => context.Request.Path.StartsWithSegments("/oauth");

    /// <summary>
    /// Apps, their secrets and consents as every command sees them: OpenIddict's core (its managers
    /// over our EF Core stores), the settings and the registries the CLI's provisioning commands use.
    /// A command that does not serve builds only this (Program.CreateCommandBuilder), not
    /// OpenIddict's server and validation (bench/README.md, Start and memory (session 5)).
    /// </summary>
    public static IServiceCollection AddOAuthCore(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<Storage.CallEventsDb>();
                core.ReplaceApplicationManager(typeof(FastSecretApplicationManager<>));
                core.ReplaceApplicationStore<OpenIddictEntityFrameworkCoreApplication, CompiledApplicationStore>();
                core.ReplaceTokenManager(typeof(StampRevokingTokenManager<>));
            });
        services.AddSettings<OAuthOptions>();
        services.AddScoped<AppRegistry>();
        services.AddSingleton<AppAccounts>();
        services.AddScoped<ConsentRegistry>();
        return services;
    }

    /// <summary>
    /// On top of <see cref="AddOAuthCore"/>, what <c>serve</c> adds: OpenIddict as the OAuth 2.0
    /// server (token endpoint, client credentials) and as the validator of every UAPI request.
    /// Access tokens carry a stamp of their app's secret instead of a token entry row each
    /// (SecretStamp.cs), so that regenerating an app's secret revokes its tokens on every node
    /// without a write per token issued.
    /// </summary>
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddOpenIddict()
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("/oauth/token.php", "/oauth/token");
                server.SetAuthorizationEndpointUris(AuthorizeUrl.PhpPath, AuthorizeUrl.Path);
                server.AllowClientCredentialsFlow();
                // Apps that act as a person who signed in and consented (OAuth/Authorization): PKCE
                // with S256 only, codes of 10 minutes, refresh tokens that rotate on every use and
                // whose reuse, once spent, revokes every token of the consent (no reuse leeway).
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                server.RequireProofKeyForCodeExchange();
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.SetAuthorizationCodeLifetime(AuthorizationCodeLifetime);
                server.SetRefreshTokenReuseLeeway(null);
                server.AddEventHandler(UnpermittedGrantTypes.Descriptor);
                // No discovery document or key set: clients are configured with the token URL, the
                // validation reads the local server's keys, and nothing else needs them (docs/api.md).
                server.SetConfigurationEndpointUris(Array.Empty<Uri>());
                server.SetJsonWebKeySetEndpointUris(Array.Empty<Uri>());
                server.SetAccessTokenLifetime(AccessTokenLifetime);
                server.AddEventHandler(TokenEndpoint.WholeExpiresIn.Descriptor); // "expires_in":3600, not 3599
                server.AddEventHandler(TokenEndpoint.FormWithinLimits.Descriptor); // a form it cannot read: invalid_request, not 500
                server.AddEventHandler(SecretStampHandlers.NoEntryForStampedTokens.Descriptor);
                server.AddEventHandler(TokenRequestThrottle.RefuseOverBudget.Descriptor); // 429 after too many invalid_client
                server.AddEventHandler(TokenRequestThrottle.AnswerAndCount.Descriptor);
                // Signed (JWS) rather than encrypted tokens: validation costs one signature check,
                // and the only claims are the caller's own account ids. The characters are
                // base64url and '.', as the contract requires.
                server.DisableAccessTokenEncryption();
                // Codes and refresh tokens are encrypted (OpenIddict always does) with a key derived
                // from the stored signing key (SigningKeyStore.cs): the same on every node and after a
                // restart. A symmetric one: the default (RSA-2048) is generated on the first request,
                // which cost 0.1-1.5 s of CPU before the first 200 after every start (bench/README.md).
                server.DisableScopeValidation();
                server.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableErrorPassthrough() // an authorization request that cannot go back to its app: our HTML page
                    .DisableTransportSecurityRequirement()
                    // Compact, as the contract writes the answer; indenting it took ≈ 8% of the
                    // bytes a token request allocated (bench/README.md, Tail latency and memory (session 5)).
                    .SuppressJsonResponseIndentation();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.EnableTokenEntryValidation(); // tokens issued before stamps, until they expire
                validation.AddEventHandler(SecretStampHandlers.RefuseStaleStamps.Descriptor);
                // Never a token from a form body: else a request's form is read (and can fail, a 500) before its 401 (SECURITY.md).
                validation.UseAspNetCore().DisableAccessTokenExtractionFromBodyForm();
            });

        services.AddOptions<OpenIddictServerOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            // One issuer for every node, instead of each request's own host and port: a token
            // issued by node A must carry the issuer node B expects (docs/scale-out.md).
            // Never the request's Host: Hosting:PublicBaseUrl when OAuth:Issuer is not set.
            options.Issuer = provider.GetRequiredService<IOptions<OAuthOptions>>().Value
                .IssuerFor(provider.GetRequiredService<IOptions<Hosting.HostingOptions>>().Value);
            var keys = provider.GetRequiredService<SigningKeys>();
            options.SigningCredentials.Add(keys.Signing);
            options.EncryptionCredentials.Add(keys.Encrypting);
        });
        // Keys that only verify (an RSA key from an earlier version): known to the validation,
        // never to the server, which signs with its first signing credential.
        services.AddOptions<OpenIddictValidationOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            foreach (var key in provider.GetRequiredService<SigningKeys>().VerifyOnly)
            {
                options.Configuration!.SigningKeys.Add(key);
            }
        });
        services.AddSingleton(SigningKeyStore.Load);

        // No default scheme: UAPI requests authenticate in RequireCaller() through a short cache
        // (TokenValidationCache.cs) instead of a full validation by the middleware on every request;
        // the middleware runs on OpenIddict's paths only (Program.cs, UseAuthenticationOnlyFor).
        services.AddAuthentication().AddSignInSession();
        services.AddSingleton<TokenValidationCache>();
        services.AddSingleton<FailedSignIns>();
        services.AddHostedService<TokenEntryPruning>();
        return services;
    }
}
