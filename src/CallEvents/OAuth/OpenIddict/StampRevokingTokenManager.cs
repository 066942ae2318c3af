using CallEvents.OAuth.Tokens;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace CallEvents.OAuth.OpenIddict;

/// <summary>
/// OpenIddict's token manager, where revoking every token of an application also reaches the
/// tokens that have no entry row (<see cref="SecretStamp"/>): the app is updated, which gives it
/// a new concurrency token and so a new stamp. Whoever revokes by application (the secret
/// regeneration, an operator's code) keeps OpenIddict's meaning: every token of that app stops.
/// </summary>
public sealed class StampRevokingTokenManager<TToken>(
    IOpenIddictTokenCache<TToken> cache,
    ILogger<OpenIddictTokenManager<TToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TToken> store,
    IOpenIddictApplicationManager applications)
    : OpenIddictTokenManager<TToken>(cache, logger, options, store) where TToken : class
{
    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        var revoked = await base.RevokeByApplicationIdAsync(identifier, cancellationToken); // entries of tokens issued before stamps
        if (await applications.FindByIdAsync(identifier, cancellationToken) is { } application)
        {
            await applications.UpdateAsync(application, cancellationToken); // a new concurrency token: a new stamp
        }
        return revoked;
    }
}
