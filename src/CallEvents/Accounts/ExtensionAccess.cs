using System.Data.Common;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;

namespace CallEvents.Accounts;

/// <summary>
/// Contract §4: decides whether the caller may manage the phone call events of the extension
/// named by a URI's <c>{userId}/{extension}</c>, checking in the contract's order —
/// user_invalid, then extension_invalid, then pce_access_denied. Another tenant's extension is
/// answered exactly like a missing one. The rules themselves are <see cref="ExtensionScope"/>'s;
/// this class only puts their answers in that order.
/// </summary>
public sealed class ExtensionAccess(PreparedSql sql)
{
    private sealed record NamedUser(string Id, string? OrganizationCode);

    public async Task<ManagedExtension> ResolveAsync(Caller caller, string userId, string extension, CancellationToken cancellationToken)
    {
        // 2. userId
        if (!ExtensionScope.TryParseUserId(userId, out var namedUserId))
        {
            throw UapiError.UserInvalid.Exception();
        }
        var scope = ExtensionScope.For(caller, namedUserId);
        var named = namedUserId is null ? null
            : await FindVisibleUserAsync(scope, namedUserId, cancellationToken) ?? throw UapiError.UserInvalid.Exception();

        // 3. extension
        if (!ExtensionNumber.TryParse(extension, out var number))
        {
            throw UapiError.ExtensionInvalid.Exception();
        }
        string extended;
        if (number.IsShort)
        {
            var code = named is not null ? named.OrganizationCode : caller.OrganizationCode;
            extended = code is null ? throw UapiError.ExtensionInvalid.Exception() : number.Extended(code);
        }
        else
        {
            extended = extension;
        }

        await using var lease = await sql.OpenAsync(cancellationToken);
        var find = sql.IsSqlite ? FindExtensionSqlite : FindExtensionPostgres;
        await using var reader = await lease.Command(find(scope), scope.ExtensionParameters(extended)).ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !IsTrue(reader, 5))
        {
            // Missing, of a disallowed type, not the named user's, or outside the context: as if it did not exist.
            throw UapiError.ExtensionInvalid.Exception();
        }

        // 4. inside the context, but is it this caller's to manage?
        if (!IsTrue(reader, 6))
        {
            throw UapiError.PceAccessDenied.Exception();
        }
        return new ManagedExtension(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4));
    }

    /// <summary>
    /// The one-statement form of the check (bench/README.md, PostgreSQL (session 4); on SQLite
    /// for get one, UAPI on SQLite (session 6)): a <c>WITH x AS (…)</c> clause for the plain case (<see cref="ExtensionScope.TryPlain"/>) that
    /// the caller's statement follows in the same text, so that the check and the work are one
    /// statement instead of two round trips. <c>x</c> is at most one row, the extension with the
    /// number given, with <see cref="CheckedColumns"/> columns: <c>id</c>, <c>number</c>,
    /// <c>owner_id</c>, <c>organization_id</c>, <c>events</c>, and <c>allowed</c>, true only when it
    /// is in scope and manageable (§4 steps 3 and 4). The caller selects <c>x.*</c> first and
    /// touches events only of <c>(SELECT id FROM x WHERE allowed)</c>, so nothing of an extension
    /// the caller may not manage is read or written; the scope's parameters are the statement's
    /// first ones (<see cref="ExtensionScope.ExtensionParameters"/>), its own follow.
    /// MATERIALIZED: computed once, not inlined into each row the statement reads (inlined, the
    /// event count's subquery ran once per row of a page: EXPLAIN ANALYZE, loops=20).
    /// </summary>
    public static string CheckedExtension(ExtensionScope scope, bool sqlite) => (sqlite ? CheckedExtensionSqlite : CheckedExtensionPostgres)(scope);

    /// <summary>The columns of <see cref="CheckedExtension"/>'s <c>x</c>: a statement's own columns start at this ordinal.</summary>
    public const int CheckedColumns = 6;

    /// <summary>
    /// The extension of a <see cref="CheckedExtension"/> statement's current row when the caller may
    /// manage it; null when the statement found none or one it may not manage: the caller then
    /// runs the full path (<see cref="ResolveAsync"/>), which finds the documented error in order.
    /// </summary>
    public static ManagedExtension? Allowed(DbDataReader reader) =>
        IsTrue(reader, 5) ? new ManagedExtension(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)) : null;

    private static Func<ExtensionScope, string> CheckedExtensionSql(string eventCount) => ExtensionScope.ExtensionStatement(0, scope => $"""
        WITH x AS MATERIALIZED (
            SELECT e.id, e.number, e.owner_id, e.organization_id, {eventCount} AS events,
                COALESCE({scope.InScope} AND {scope.Manageable}, FALSE) AS allowed
            FROM {scope.Extensions}
            WHERE {scope.Number})

        """);

    private static readonly Func<ExtensionScope, string> CheckedExtensionSqlite = CheckedExtensionSql(EventCountTriggers.CountSql("e", postgres: false));

    private static readonly Func<ExtensionScope, string> CheckedExtensionPostgres = CheckedExtensionSql(EventCountTriggers.CountSql("e", postgres: true));

    private async Task<NamedUser?> FindVisibleUserAsync(ExtensionScope scope, string userId, CancellationToken cancellationToken)
    {
        await using var lease = await sql.OpenAsync(cancellationToken);
        await using var reader = await lease.Command(FindUserSql(scope), scope.UserParameters(userId)).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new NamedUser(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }

    /// <summary>A condition's value; NULL (a caller without an organization compared with one) is false, as in a WHERE clause.</summary>
    private static bool IsTrue(DbDataReader reader, int ordinal) => !reader.IsDBNull(ordinal) && reader.GetBoolean(ordinal);

    private static readonly Func<ExtensionScope, string> FindUserSql = ExtensionScope.UserStatement(1, visible => $"""
        SELECT u.id, g.organization_code
        FROM accounts u JOIN accounts g ON g.id = u.organization_id
        WHERE u.id = @p0 AND {visible}
        """);

    /// <summary>The extension with its event count and both answers of §4 about it, in one round trip.</summary>
    private static Func<ExtensionScope, string> FindExtensionSql(string eventCount) => ExtensionScope.ExtensionStatement(0, scope => $"""
        SELECT e.id, e.number, e.owner_id, e.organization_id, {eventCount}, {scope.InScope}, {scope.Manageable}
        FROM {scope.Extensions}
        WHERE {scope.Number}
        """);

    private static readonly Func<ExtensionScope, string> FindExtensionSqlite = FindExtensionSql(EventCountTriggers.CountSql("e", postgres: false));

    private static readonly Func<ExtensionScope, string> FindExtensionPostgres = FindExtensionSql(EventCountTriggers.CountSql("e", postgres: true));
}
