using CallEvents.Accounts;
using CallEvents.Hosting;
using CallEvents.OAuth;
using CallEvents.Storage;
using CallEvents.Storage.Secrets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.Web.Console.Session;

/// <summary>
/// The console as an OAuth client of this server: a first-party, confidential app that the
/// server registers itself (there is nothing to provision) with the authorization-code grant,
/// PKCE required, no refresh tokens (a session lasts as long as its access token: nothing
/// longer-lived sits in a cookie), and implicit consent (the person signs in to this server's own
/// console, not to a third party). Its secret is derived from the secrets key
/// (<see cref="SecretsKey.Derive"/>): the same on every node, never stored, printed or logged.
/// Its redirect URIs are exact: <see cref="CallbackPath"/> on each address this server listens
/// on and on Hosting:PublicBaseUrl.
/// </summary>
public sealed class ConsoleClient(IServiceScopeFactory scopes, SecretsKey key, IServer server, IOptions<HostingOptions> hosting, TimeProvider clock) : IDisposable
{
    public const string ClientId = "callevents-console";
    public const string CallbackPath = "/console/signin-callback";
    public const string Name = "CallEvents console";

    private readonly SemaphoreSlim _registering = new(1, 1);
    private volatile bool _registered;

    public string Secret => key.Derive("console-client-secret");

    /// <summary>
    /// Registers the client, or brings its registration up to date (its secret after a new
    /// secrets key, a redirect URI of an address not seen before), once per process, before the
    /// first sign-in. A registration already right is not written: an update would give the app a
    /// new secret stamp and end the sessions of every node (OAuth/Tokens/SecretStamp.cs). The app
    /// is the Admin's (the first Admin account), which offers it to every account; false when
    /// there is no Admin account yet, so nothing to register it to.
    /// </summary>
    public async Task<bool> EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (_registered)
        {
            return true;
        }
        await _registering.WaitAsync(cancellationToken);
        try
        {
            if (_registered)
            {
                return true;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var admin = await db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Admin)
                .OrderBy(a => a.Id).Select(a => a.Id).FirstOrDefaultAsync(cancellationToken);
            if (admin is null)
            {
                return false;
            }
            var secret = Secret;
            var existing = await applications.FindByClientIdAsync(ClientId, cancellationToken);
            var descriptor = new OpenIddictApplicationDescriptor();
            if (existing is not null)
            {
                await applications.PopulateAsync(descriptor, existing, cancellationToken);
            }
            var changed = existing is null || !await applications.ValidateClientSecretAsync(existing, secret, cancellationToken);
            if (changed)
            {
                descriptor.ClientSecret = secret; // else the stored hash, as PopulateAsync read it
            }
            descriptor.ClientId = ClientId;
            descriptor.ClientType = ClientTypes.Confidential;
            descriptor.ConsentType = ConsentTypes.Implicit;
            descriptor.DisplayName = Name;
            string[] permissions =
            [
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
            ];
            foreach (var permission in permissions)
            {
                changed |= descriptor.Permissions.Add(permission);
            }
            changed |= descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            foreach (var uri in RedirectUris())
            {
                changed |= descriptor.RedirectUris.Add(uri); // added, never removed: another node may listen elsewhere
            }
            // The OAuth client and the app row that ties it to its account are one write. No
            // signing secret: the console's events are registered by no app (ConsoleSession.cs).
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
            }
            else if (changed)
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
            if (!await db.Apps.AnyAsync(a => a.ClientId == ClientId, cancellationToken))
            {
                db.Apps.Add(new App { ClientId = ClientId, AccountId = admin, Name = Name, Trusted = false, CreatedAt = clock.GetUtcNow() });
                await db.SaveChangesAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            _registered = true;
            return true;
        }
        finally
        {
            _registering.Release();
        }
    }

    public void Dispose() => _registering.Dispose();

    /// <summary><see cref="CallbackPath"/> on every origin a browser may reach this server by.</summary>
    public IEnumerable<Uri> RedirectUris()
    {
        if (hosting.Value.PublicBase is { } publicBase)
        {
            yield return new Uri(publicBase.GetLeftPart(UriPartial.Path).TrimEnd('/') + CallbackPath); // under its path base, if it has one
        }
        foreach (var origin in ListeningOrigins(server))
        {
            yield return new Uri(origin, CallbackPath);
            if (origin.Host == "127.0.0.1")
            {
                yield return new Uri(new UriBuilder(origin) { Host = "localhost" }.Uri, CallbackPath);
            }
        }
    }

    /// <summary>
    /// The origins of the addresses Kestrel listens on, a wildcard address (0.0.0.0, [::], +, *)
    /// as 127.0.0.1: this process can always reach itself there.
    /// </summary>
    public static IEnumerable<Uri> ListeningOrigins(IServer server)
    {
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var text = address.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
                .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                yield return new Uri(uri.GetLeftPart(UriPartial.Authority));
            }
        }
    }
}
