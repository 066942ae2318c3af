using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.Consents;

/// <summary>
/// The consents accounts gave apps: OpenIddict's permanent authorizations, one per (account, app),
/// which every authorization code and refresh token of that account and app belongs to (the token
/// family). Remembered so the consent page is shown once; listed and revoked by the CLI
/// (<c>consents list|revoke</c>) and the console, through this class only. <paramref name="validatedTokens"/>
/// is null in a process that validates no tokens (a CLI command's host), as in AppRegistry.
/// </summary>
public sealed class ConsentRegistry(CallEventsDb db, IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens, TimeProvider clock, TokenValidationCache? validatedTokens = null)
{
    /// <summary>The valid consent of <paramref name="accountId"/> to the app, or null.</summary>
    public async Task<object?> FindAsync(string accountId, object application, CancellationToken cancellationToken)
    {
        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        await foreach (var authorization in authorizations.FindAsync(accountId, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes: null, cancellationToken))
        {
            return authorization;
        }
        return null;
    }

    /// <summary>The consent's id: the authorization id its tokens carry.</summary>
    public async Task<string> IdAsync(object consent, CancellationToken cancellationToken) =>
        (await authorizations.GetIdAsync(consent, cancellationToken))!;

    /// <summary>Records that <paramref name="accountId"/> lets the app act as it.</summary>
    public async Task<object> GiveAsync(string accountId, object application, CancellationToken cancellationToken) =>
        await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application, cancellationToken),
            Subject = accountId,
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = clock.GetUtcNow(),
        }, cancellationToken);

    /// <summary>The apps <paramref name="accountId"/> has consented to, oldest first.</summary>
    public async Task<IReadOnlyList<Consent>> ListAsync(string accountId, CancellationToken cancellationToken) =>
        await (from authorization in db.Set<OpenIddictEntityFrameworkCoreAuthorization>().AsNoTracking()
               where authorization.Subject == accountId && authorization.Status == Statuses.Valid && authorization.Type == AuthorizationTypes.Permanent
               join app in db.Apps on authorization.Application!.ClientId equals app.ClientId
               orderby authorization.CreationDate
               select new Consent(app.ClientId, app.Name, authorization.CreationDate))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Revokes the consent of <paramref name="accountId"/> to the app and every token of it: its
    /// refresh tokens and codes at once; its access tokens at once in this process and on other
    /// nodes within <c>OAuth:ValidatedTokenCacheSeconds</c> (their token entries are revoked, which
    /// every validation that misses the cache reads). The next authorization request shows the
    /// consent page again. False when there was no such consent.
    /// </summary>
    public async Task<bool> RevokeAsync(string accountId, string clientId, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return false;
        }
        var applicationId = await applications.GetIdAsync(application, cancellationToken);
        var found = new List<object>();
        await foreach (var authorization in authorizations.FindAsync(accountId, applicationId, Statuses.Valid, type: null, scopes: null, cancellationToken))
        {
            found.Add(authorization);
        }
        foreach (var authorization in found)
        {
            await tokens.RevokeByAuthorizationIdAsync((await authorizations.GetIdAsync(authorization, cancellationToken))!, cancellationToken);
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }
        validatedTokens?.ForgetClient(clientId);
        return found.Count > 0;
    }
}
