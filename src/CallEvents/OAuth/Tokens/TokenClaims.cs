using System.Security.Claims;
using CallEvents.Accounts;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// The claims an access token says its account with, the ones <see cref="Caller"/> reads: the same
/// for an app acting as the account it is registered to (client credentials) and for an app acting
/// as the person who signed in and consented (authorization code).
/// </summary>
public static class TokenClaims
{
    public static void Write(ClaimsIdentity identity, AppAccount account)
    {
        identity.SetClaim(Claims.Subject, account.Id);
        identity.SetClaim(Caller.KindClaim, account.Kind.ToString());
        identity.SetClaim(Caller.OrganizationClaim, account.OrganizationId);
        identity.SetClaim(Caller.OrganizationCodeClaim, account.OrganizationCode);
    }

    /// <summary>What a token of <paramref name="accountId"/> says about it, read now; null when the account is gone.</summary>
    public static Task<AppAccount?> ReadAsync(CallEventsDb db, string accountId, CancellationToken cancellationToken) =>
        (from account in db.Accounts.AsNoTracking()
         where account.Id == accountId
         join organization in db.Accounts on account.OrganizationId equals organization.Id into organizations
         from organization in organizations.DefaultIfEmpty()
         select new AppAccount(account.Id, account.Kind, account.OrganizationId, organization == null ? null : organization.OrganizationCode))
            .FirstOrDefaultAsync(cancellationToken);
}
