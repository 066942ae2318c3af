using System.Collections.Concurrent;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Accounts;

/// <summary>An extension the caller has been found allowed to manage.</summary>
public sealed record ManagedExtension(long Id, string Number, string OwnerId, string OrganizationId);

/// <summary>
/// Contract §4: decides whether the caller may manage the phone call events of the extension
/// named by a URI's <c>{userId}/{extension}</c>, checking in the contract's order —
/// user_invalid, then extension_invalid, then pce_access_denied. Another tenant's extension is
/// answered exactly like a missing one.
/// </summary>
public sealed class ExtensionAccess(CallEventsDb db)
{
    private enum UserForm { Me, Owner, Explicit }

    private sealed record NamedUser(string Id, string? OrganizationId, string? OrganizationCode);

    private sealed record ExtensionRow(long Id, string Number, ExtensionType Type, string OwnerId, string OrganizationId, bool Denied);

    public async Task<ManagedExtension> ResolveAsync(Caller caller, string userId, string extension, CancellationToken cancellationToken)
    {
        // 2. userId
        UserForm form;
        NamedUser? named = null;
        switch (userId)
        {
            case "@me" or "@viewer":
                form = UserForm.Me;
                break;
            case "@owner":
                form = UserForm.Owner;
                break;
            default:
                if (!ObjectIds.IsObjectId(userId))
                {
                    throw UapiError.UserInvalid.Exception();
                }
                named = await FindVisibleUserAsync(caller, userId, cancellationToken) ?? throw UapiError.UserInvalid.Exception();
                form = UserForm.Explicit;
                break;
        }

        // 3. extension
        if (!ExtensionNumber.TryParse(extension, out var number))
        {
            throw UapiError.ExtensionInvalid.Exception();
        }
        string extended;
        if (number.IsShort)
        {
            var code = form == UserForm.Explicit ? named!.OrganizationCode : caller.OrganizationCode;
            extended = code is null ? throw UapiError.ExtensionInvalid.Exception() : number.Extended(code);
        }
        else
        {
            extended = extension;
        }

        var row = await FindExtension(db, extended) ?? throw UapiError.ExtensionInvalid.Exception();
        if (!row.Type.AllowsPhoneCallEvents())
        {
            throw UapiError.ExtensionInvalid.Exception();
        }
        if (caller.Kind != AccountKind.Admin && row.OrganizationId != caller.OrganizationId)
        {
            throw UapiError.ExtensionInvalid.Exception(); // outside the context: as if it did not exist
        }
        if (form == UserForm.Explicit && row.OwnerId != named!.Id)
        {
            throw UapiError.ExtensionInvalid.Exception();
        }

        // 4. inside the organization, but is it this caller's to manage?
        if (caller.Kind == AccountKind.User)
        {
            var namesColleague = form == UserForm.Explicit && named!.Id != caller.AccountId;
            if (namesColleague || row.OwnerId != caller.AccountId)
            {
                throw UapiError.PceAccessDenied.Exception();
            }
        }
        if (row.Denied)
        {
            throw UapiError.PceAccessDenied.Exception();
        }
        return new ManagedExtension(row.Id, row.Number, row.OwnerId, row.OrganizationId);
    }

    private async Task<NamedUser?> FindVisibleUserAsync(Caller caller, string userId, CancellationToken cancellationToken)
    {
        var user = await FindUser(db, userId);
        if (user is null)
        {
            return null;
        }
        // Admin sees every user; an organization or a user sees the users of its organization.
        return caller.Kind == AccountKind.Admin || user.OrganizationId == caller.OrganizationId ? user : null;
    }

    // EF Core ties a compiled query to the model it first runs against, and SQLite and
    // PostgreSQL have different models: one process may hold both (the test suite's PostgreSQL
    // pass runs SQLite-only hosts beside PostgreSQL ones), so each context type compiles its own.
    private static readonly ConcurrentDictionary<Type, Func<CallEventsDb, string, Task<NamedUser?>>> FindUserByModel = new();
    private static readonly ConcurrentDictionary<Type, Func<CallEventsDb, string, Task<ExtensionRow?>>> FindExtensionByModel = new();

    private static Task<NamedUser?> FindUser(CallEventsDb db, string id) => FindUserByModel.GetOrAdd(db.GetType(), _ => CompileFindUser())(db, id);

    private static Task<ExtensionRow?> FindExtension(CallEventsDb db, string number) =>
        FindExtensionByModel.GetOrAdd(db.GetType(), _ => CompileFindExtension())(db, number);

    private static Func<CallEventsDb, string, Task<NamedUser?>> CompileFindUser() =>
        EF.CompileAsyncQuery((CallEventsDb db, string id) =>
            (from user in db.Accounts
             where user.Id == id && user.Kind == AccountKind.User
             join organization in db.Accounts on user.OrganizationId equals organization.Id
             select new NamedUser(user.Id, user.OrganizationId, organization.OrganizationCode))
            .FirstOrDefault());

    /// <summary>
    /// The extension with every deny flag on its path (owner, organization, service provider,
    /// admin) folded into one, in one round trip.
    /// </summary>
    private static Func<CallEventsDb, string, Task<ExtensionRow?>> CompileFindExtension() =>
        EF.CompileAsyncQuery((CallEventsDb db, string number) =>
            (from extension in db.Extensions
             where extension.Number == number
             join owner in db.Accounts on extension.OwnerId equals owner.Id
             join organization in db.Accounts on extension.OrganizationId equals organization.Id
             join provider in db.Accounts on organization.ParentId equals provider.Id into providers
             from provider in providers.DefaultIfEmpty()
             join admin in db.Accounts on provider!.ParentId equals admin.Id into admins
             from admin in admins.DefaultIfEmpty()
             select new ExtensionRow(extension.Id, extension.Number, extension.Type, extension.OwnerId, extension.OrganizationId,
                 owner.PhoneCallEventsDenied || organization.PhoneCallEventsDenied
                 || (provider != null && provider.PhoneCallEventsDenied)
                 || (admin != null && admin.PhoneCallEventsDenied)))
            .FirstOrDefault());
}
