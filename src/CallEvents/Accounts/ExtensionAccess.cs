using CallEvents.Storage.Sql;
using CallEvents.Uapi;

namespace CallEvents.Accounts;

/// <summary>
/// Contract §4: decides whether the caller may manage the phone call events of the extension
/// named by a URI's <c>{userId}/{extension}</c>, checking in the contract's order —
/// user_invalid, then extension_invalid, then pce_access_denied. Another tenant's extension is
/// answered exactly like a missing one.
/// </summary>
public sealed class ExtensionAccess(PreparedSql sql)
{
    private enum UserForm { Me, Owner, Explicit }

    private sealed record NamedUser(string Id, string? OrganizationId, string? OrganizationCode);

    private sealed record ExtensionRow(long Id, string Number, ExtensionType Type, string OwnerId, string OrganizationId, bool Denied, int EventCount);

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

        var row = await FindExtension(extended, cancellationToken) ?? throw UapiError.ExtensionInvalid.Exception();
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
        return new ManagedExtension(row.Id, row.Number, row.OwnerId, row.OrganizationId, row.EventCount);
    }

    private async Task<NamedUser?> FindVisibleUserAsync(Caller caller, string userId, CancellationToken cancellationToken)
    {
        var user = await FindUser(userId, cancellationToken);
        if (user is null)
        {
            return null;
        }
        // Admin sees every user; an organization or a user sees the users of its organization.
        return caller.Kind == AccountKind.Admin || user.OrganizationId == caller.OrganizationId ? user : null;
    }

    private async Task<NamedUser?> FindUser(string id, CancellationToken cancellationToken)
    {
        await using var lease = await sql.OpenAsync(cancellationToken);
        await using var reader = await lease.Command(FindUserSql, id, (int)AccountKind.User).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new NamedUser(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    private async Task<ExtensionRow?> FindExtension(string number, CancellationToken cancellationToken)
    {
        await using var lease = await sql.OpenAsync(cancellationToken);
        await using var reader = await lease.Command(FindExtensionSql, number).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ExtensionRow(reader.GetInt64(0), reader.GetString(1), (ExtensionType)reader.GetInt32(2), reader.GetString(3),
                reader.GetString(4), reader.GetBoolean(5), reader.GetInt32(6))
            : null;
    }

    private const string FindUserSql = """
        SELECT u.id, u.organization_id, g.organization_code
        FROM accounts u JOIN accounts g ON g.id = u.organization_id
        WHERE u.id = @p0 AND u.kind = @p1
        """;

    /// <summary>
    /// The extension with every deny flag on its path (owner, organization, service provider,
    /// admin) folded into one, in one round trip.
    /// </summary>
    private const string FindExtensionSql = """
        SELECT e.id, e.number, e.type, e.owner_id, e.organization_id,
               o.phone_call_events_denied OR g.phone_call_events_denied
               OR COALESCE(p.phone_call_events_denied, FALSE) OR COALESCE(a.phone_call_events_denied, FALSE),
               e.event_count
        FROM extensions e
        JOIN accounts o ON o.id = e.owner_id
        JOIN accounts g ON g.id = e.organization_id
        LEFT JOIN accounts p ON p.id = g.parent_id
        LEFT JOIN accounts a ON a.id = p.parent_id
        WHERE e.number = @p0
        """;
}
