using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.OpenIddict;

/// <summary>The two OpenIddict handlers of <see cref="SecretStamp"/>: one at issue, one at validation.</summary>
public static class SecretStampHandlers
{
    /// <summary>
    /// At issue: an access token that carries a stamp gets no token entry row. That row was the
    /// one write of every token request (bench/README.md); the stamp does its job. A token without
    /// a stamp (none is issued now) would still get its entry, as OpenIddict does by default.
    /// </summary>
    public sealed class NoEntryForStampedTokens : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                .UseSingletonHandler<NoEntryForStampedTokens>()
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
        {
            if (context.TokenType == TokenTypeIdentifiers.AccessToken && context.Principal.HasClaim(SecretStamp.Claim))
            {
                context.CreateTokenEntry = false;
            }
            return default;
        }
    }

    /// <summary>
    /// At validation (only when the <see cref="TokenValidationCache"/> misses): a stamped token is
    /// refused when its app is gone or no longer trusted, or its stamp is not the app's current
    /// one. A token issued before stamps existed has a token entry instead, which OpenIddict's own
    /// token entry validation checks (it runs just before this); a token with neither is refused.
    /// </summary>
    public sealed class RefuseStaleStamps(CallEventsDb db) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
    {
        public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
            OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
                .UseScopedHandler<RefuseStaleStamps>()
                .SetOrder(OpenIddictValidationHandlers.Protection.ValidateTokenEntry.Descriptor.Order + 500)
                .SetType(OpenIddictValidationHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
        {
            if (context.IsRejected || context.Principal is not { } principal)
            {
                return;
            }
            var stamp = principal.GetClaim(SecretStamp.Claim);
            if (stamp is null)
            {
                if (string.IsNullOrEmpty(context.TokenId))
                {
                    Refuse(context, "The token is bound neither to a token entry nor to its app's secret.");
                }
                return; // issued before stamps: its token entry was checked
            }
            var clientId = principal.GetClaim(Claims.ClientId);
            var current = string.IsNullOrEmpty(clientId) ? null : await SecretStamp.CurrentAsync(db, clientId, context.CancellationToken);
            if (current is null || !SecretStamp.Matches(stamp, current))
            {
                Refuse(context, "The token's app is gone or no longer trusted, or its secret was regenerated.");
            }
        }

        private static void Refuse(OpenIddictValidationEvents.ValidateTokenContext context, string description) =>
            context.Reject(error: Errors.InvalidToken, description: description);
    }
}
