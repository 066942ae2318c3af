using OpenIddict.Abstractions;
using OpenIddict.Server;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.OpenIddict;

/// <summary>
/// An authorization_code or refresh_token request of an app registered without a redirect URI
/// (a client-credentials app) is answered <c>unsupported_grant_type</c>, as it was before these
/// grants existed here, instead of OpenIddict's answer for a client that lacks the grant's
/// permission, which it gives only after it has checked the code or token (<c>invalid_grant</c>):
/// for such an app nothing changed. Runs just after OpenIddict's check that the grant type is one
/// the server allows; an unknown client is left to OpenIddict (<c>invalid_client</c>).
/// </summary>
public sealed class UnpermittedGrantTypes(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenRequestContext>()
            .UseScopedHandler<UnpermittedGrantTypes>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateGrantType.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if ((!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType()) || string.IsNullOrEmpty(request.ClientId))
        {
            return;
        }
        if (await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken) is { } application
            && !await applications.HasPermissionAsync(application, Permissions.Prefixes.GrantType + request.GrantType, context.CancellationToken))
        {
            context.Reject(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported for this client.");
        }
    }
}
