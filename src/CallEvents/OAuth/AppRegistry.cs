using CallEvents.Accounts;
using CallEvents.Dispatch.Signing;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth;

/// <summary>Registers apps on accounts and regenerates their secrets (contract §2).</summary>
public sealed class AppRegistry(CallEventsDb db, IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens, TimeProvider clock,
    TokenValidationCache validatedTokens)
{
    public async Task<IssuedCredentials> AddAsync(string accountId, string name, bool trusted, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, cancellationToken)
            ?? throw new InvalidOperationException($"No account '{accountId}'.");
        if (account.Kind == AccountKind.ServiceProvider)
        {
            throw new InvalidOperationException("An app is registered to an Admin, Organization or User account, never a Service Provider.");
        }

        var clientId = "app_" + ObjectIds.NewId(24);
        var secret = ObjectIds.NewId(40);
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
            Permissions = { Permissions.Endpoints.Token },
        };
        if (trusted)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }
        // The OAuth client and its link to the account are one write (joining the caller's
        // transaction when there is one, as the demo tenant does).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await applications.CreateAsync(descriptor, cancellationToken);
        db.Apps.Add(new App { ClientId = clientId, AccountId = accountId, Name = name, Trusted = trusted, CreatedAt = clock.GetUtcNow() });
        var signing = new AppSigningSecret { ClientId = clientId, Secret = AppSigningSecret.NewSecret(), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds() };
        db.AppSigningSecrets.Add(signing);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return new IssuedCredentials(accountId, clientId, secret) { SigningSecret = signing.Secret };
    }

    /// <summary>A new secret; every token the app holds stops working at once, on every node.</summary>
    public async Task<IssuedCredentials> RegenerateSecretAsync(string clientId, CancellationToken cancellationToken)
    {
        var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.ClientId == clientId, cancellationToken)
            ?? throw new InvalidOperationException($"No app '{clientId}'.");
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException($"No OAuth client '{clientId}'.");
        var secret = ObjectIds.NewId(40);
        await applications.UpdateAsync(application, secret, cancellationToken);
        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        // The update above already changed the app's secret stamp; this also revokes the entries of
        // tokens issued before stamps (StampRevokingTokenManager.cs).
        await tokens.RevokeByApplicationIdAsync(applicationId!, cancellationToken);
        validatedTokens.ForgetClient(clientId); // at once here; other processes within the cache's bound
        return new IssuedCredentials(app.AccountId, clientId, secret);
    }
}
