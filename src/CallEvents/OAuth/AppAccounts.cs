using System.Collections.Concurrent;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.OAuth;

/// <summary>
/// The account each app (OAuth client) is registered to, for the token endpoint. Kept in memory
/// once read: an app is tied to its account when it is created and never moved, and an account's
/// kind and organization never change (nothing in Accounts/ or OAuth/ updates them), so the entry
/// cannot go stale on any node and needs no invalidation. That saves a database round trip on
/// every token request. The app itself (its secret, its permissions) is still read from the
/// database on every request by OpenIddict, so a regenerated secret is refused at once everywhere.
/// An app can be removed (<c>apps remove</c>): an entry another node still holds is harmless,
/// because OpenIddict refuses the removed client before its account is looked up here, and
/// client ids are random, never reused; the process that removes it forgets it at once. If
/// accounts or apps ever become movable, this cache must learn to forget them.
/// </summary>
public sealed class AppAccounts
{
    /// <summary>Bounds memory against a flood of distinct apps: beyond it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, AppAccount> _byClientId = new(StringComparer.Ordinal);

    // EF Core ties a compiled query to the model it first runs against, and SQLite and PostgreSQL
    // have different context types and models; one process may hold both (as Accounts/ExtensionAccess.cs).
    private static readonly ConcurrentDictionary<Type, Func<CallEventsDb, string, CancellationToken, Task<AppAccount?>>> QueryByModel = new();

    private static Func<CallEventsDb, string, CancellationToken, Task<AppAccount?>> Compile() =>
        EF.CompileAsyncQuery((CallEventsDb db, string clientId, CancellationToken _) =>
            (from app in db.Apps
             where app.ClientId == clientId
             join owner in db.Accounts on app.AccountId equals owner.Id
             join organization in db.Accounts on owner.OrganizationId equals organization.Id into organizations
             from organization in organizations.DefaultIfEmpty()
             select new AppAccount(owner.Id, owner.Kind, owner.OrganizationId, organization == null ? null : organization.OrganizationCode))
            .AsNoTracking()
            .FirstOrDefault());

    /// <summary>The account <paramref name="clientId"/> acts as, or null when the app has none.</summary>
    public async ValueTask<AppAccount?> FindAsync(CallEventsDb db, string clientId, CancellationToken cancellationToken)
    {
        if (_byClientId.TryGetValue(clientId, out var known))
        {
            return known;
        }
        var account = await QueryByModel.GetOrAdd(db.GetType(), _ => Compile())(db, clientId, cancellationToken);
        if (account is not null)
        {
            if (_byClientId.Count >= MaxEntries)
            {
                _byClientId.Clear();
            }
            _byClientId[clientId] = account;
        }
        return account;
    }

    /// <summary>Forgets a removed app (memory only: see the class comment).</summary>
    public void Forget(string clientId) => _byClientId.TryRemove(clientId, out _);
}
