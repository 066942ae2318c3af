using CallEvents.Accounts;
using CallEvents.Dispatch.Signing;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth;

/// <summary>
/// Registers apps on accounts, regenerates their secrets, trusts, untrusts and removes them (contract §2).
/// <paramref name="validatedTokens"/> is null in a process that validates no tokens (a CLI
/// command's host: Program.CreateCommandBuilder), which has none of an app's to forget.
/// </summary>
public sealed class AppRegistry(CallEventsDb db, IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens, TimeProvider clock,
    SigningSecrets signingSecrets, AppAccounts appAccounts, PreparedSql sql, TokenValidationCache? validatedTokens = null)
{
    /// <summary>
    /// The kind of the account an app is added to, as plain SQL: compiling EF Core's query for it
    /// was a third of `apps add`, the process's only LINQ query (bench/README.md, Start and memory (session 8)).
    /// </summary>
    private const string AccountKindSql = "SELECT kind FROM accounts WHERE id = @p0";

    public Task<IssuedCredentials> AddAsync(string accountId, string name, bool trusted, CancellationToken cancellationToken) =>
        AddAsync(accountId, name, trusted, redirectUris: [], firstParty: false, cancellationToken);

    /// <summary>
    /// Registers an app. With <paramref name="redirectUris"/> it may also act as a person who signs
    /// in and consents (the authorization-code flow with PKCE, and refresh tokens: OAuth/Authorization),
    /// sent back to exactly one of those URIs; <paramref name="firstParty"/> (the operator vouches for
    /// it, as for the console) skips the consent page: its consents are implicit, still recorded.
    /// </summary>
    public async Task<IssuedCredentials> AddAsync(string accountId, string name, bool trusted, IReadOnlyList<Uri> redirectUris, bool firstParty,
        CancellationToken cancellationToken)
    {
        foreach (var uri in redirectUris)
        {
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                throw new ArgumentException($"A redirect URI is an absolute http:// or https:// URL without a fragment or user info; '{uri.OriginalString}' is not.");
            }
        }
        if (firstParty && redirectUris.Count == 0)
        {
            throw new ArgumentException("Only an app with a redirect URI (--redirect-uri) signs people in, so only such an app can be first-party.");
        }
        var kind = await sql.ReadOneAsync(db, AccountKindSql, accountId, static reader => (AccountKind?)reader.GetInt32(0), cancellationToken)
            ?? throw new InvalidOperationException($"No account '{accountId}'.");
        if (kind == AccountKind.ServiceProvider)
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
            ConsentType = firstParty ? ConsentTypes.Implicit : ConsentTypes.Explicit,
        };
        if (redirectUris.Count > 0)
        {
            descriptor.Permissions.UnionWith([
                Permissions.Endpoints.Authorization, Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code]);
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            descriptor.RedirectUris.UnionWith(redirectUris);
        }
        if (trusted)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }
        // The OAuth client and its link to the account are one write (joining the caller's
        // transaction when there is one, as the demo tenant does).
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await applications.CreateAsync(descriptor, cancellationToken);
        db.Apps.Add(new App { ClientId = clientId, AccountId = accountId, Name = name, Trusted = trusted, CreatedAt = clock.GetUtcNow() });
        var (signing, signingSecret) = signingSecrets.New(clientId);
        db.AppSigningSecrets.Add(signing);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return new IssuedCredentials(accountId, clientId, secret) { SigningSecret = signingSecret };
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
        validatedTokens?.ForgetClient(clientId); // at once here; other processes within the cache's bound
        return new IssuedCredentials(app.AccountId, clientId, secret);
    }

    /// <summary>
    /// Whether the app may use the client-credentials grant (contract §2), its way to a token as the
    /// account it is registered to (an app with redirect URIs has the authorization-code way too,
    /// untouched by this). Untrusting it refuses its next token request (<c>unauthorized_client</c>) and
    /// ends the tokens it holds on every node within <c>OAuth:ValidatedTokenCacheSeconds</c> (at
    /// once in this process): the update gives the app a new secret stamp, and validation also
    /// checks the trusted flag itself (SecretStamp.cs). Its hooks keep firing, signed as before.
    /// </summary>
    public async Task SetTrustedAsync(string clientId, bool trusted, CancellationToken cancellationToken)
    {
        var app = await db.Apps.FirstOrDefaultAsync(a => a.ClientId == clientId, cancellationToken)
            ?? throw new InvalidOperationException($"No app '{clientId}'.");
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken)
            ?? throw new InvalidOperationException($"No OAuth client '{clientId}'.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken); // the stored secret hash as it is
        if (trusted)
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        }
        else
        {
            descriptor.Permissions.Remove(Permissions.GrantTypes.ClientCredentials);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        if (!trusted)
        {
            // Tokens issued before stamps have entries instead (StampRevokingTokenManager.cs).
            await tokens.RevokeByApplicationIdAsync((await applications.GetIdAsync(application, cancellationToken))!, cancellationToken);
        }
        app.Trusted = trusted;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        validatedTokens?.ForgetClient(clientId);
    }

    /// <summary>
    /// Removes the app: its OAuth client (and so its tokens, on every node within
    /// <c>OAuth:ValidatedTokenCacheSeconds</c>), its signing secret, and the phone call events it
    /// registered, with their queued deliveries and logs: a removed integration must not keep
    /// receiving a tenant's calls, nor have them sent unsigned. One transaction.
    /// </summary>
    public async Task RemoveAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await db.Apps.AnyAsync(a => a.ClientId == clientId, cancellationToken))
        {
            throw new InvalidOperationException($"No app '{clientId}'.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.PhoneCallEvents.Where(p => p.AppClientId == clientId).ExecuteDeleteAsync(cancellationToken);
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application)
        {
            await applications.DeleteAsync(application, cancellationToken); // with its token entries and authorizations
        }
        await db.Apps.Where(a => a.ClientId == clientId).ExecuteDeleteAsync(cancellationToken); // its signing secret by cascade
        await transaction.CommitAsync(cancellationToken);
        validatedTokens?.ForgetClient(clientId);
        appAccounts.Forget(clientId);
    }
}
