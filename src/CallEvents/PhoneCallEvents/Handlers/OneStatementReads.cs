using CallEvents.Accounts;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

/// <summary>
/// Get one, and on PostgreSQL a list of a whole extension too, in one statement, the extension
/// check included (<see cref="ExtensionAccess.CheckedExtension"/>). Why: on PostgreSQL every
/// statement is a loopback round trip, and the check then the page were two, each waking a
/// backend and the server's thread pool (bench/README.md, PostgreSQL (session 4): CPU per request
/// on both sides); on SQLite each is a read transaction of its own on a pooled reader (its WAL
/// read lock, its cache check), two for a get (bench/README.md, UAPI on SQLite (session 6)).
/// A list on SQLite stays two statements: SQLite has no LATERAL, and both one-statement forms
/// tried (the page as a derived table ordered again outside, and the extension joined to its
/// events) took about three times the VM steps of the check and the page together and twice the
/// server's CPU per list (bench/README.md, UAPI on SQLite (session 7)).
/// Only the plain case comes here, and only a success is answered from here: anything else (a
/// filter, a type without an id, a later page, a userId naming a user with a short number, an extension the
/// caller may not manage, a malformed query) returns null, and the full path
/// (<see cref="ListPhoneCallEvents.ListAsync"/> after <see cref="EventRoute.ResolveAsync(HttpContext, ExtensionAccess, UapiError?)"/>)
/// answers it, with its errors in the documented order.
/// </summary>
internal static class OneStatementReads
{
    public static async Task<(EventRoute Route, ListQuery Query, List<PhoneCallEvent> Events, int Total)?> TryListAsync(
        HttpContext context, PreparedSql sql)
    {
        if (!PlainRoute.TryRead(context.Caller(), context.Request.RouteValues, out var plain))
        {
            return null;
        }
        var (userId, scope, extended, type, eventId) = plain;
        if (sql.IsSqlite && eventId is null)
        {
            return null;
        }
        ListQuery query;
        try
        {
            query = ListQuery.From(context.Request.Query);
        }
        catch (UapiException)
        {
            return null; // the full path checks the route first, then says this
        }
        // A filter needs a count of its own; a later page would be planned again on every request
        // (below): both the full path's.
        if (query.FilterBy is not null || query.Page.StartIndex != 0)
        {
            return null;
        }

        var scopeValues = scope.ExtensionParameters(extended);
        object?[] parameters = eventId is not null ? [.. scopeValues, type, eventId] : scopeValues;
        await using var lease = await sql.OpenAsync(context.RequestAborted);
        await using var reader = await lease.Command(Statement(scope, sql.IsSqlite, eventId is not null, query, scopeValues.Length), parameters)
            .ExecuteReaderAsync(context.RequestAborted);
        if (!await reader.ReadAsync(context.RequestAborted) || ExtensionAccess.Allowed(reader) is not { } managed)
        {
            return null;
        }
        var events = new List<PhoneCallEvent>();
        do
        {
            if (!reader.IsDBNull(ExtensionAccess.CheckedColumns))
            {
                events.Add(PhoneCallEventRows.Read(reader, ExtensionAccess.CheckedColumns));
            }
        }
        while (await reader.ReadAsync(context.RequestAborted));
        var route = new EventRoute(managed, type, eventId, userId);
        if (eventId is null)
        {
            return (route, query, events, managed.EventCount);
        }
        // One event: its row is the whole answer (totalResults 1).
        return events.Count == 0 ? throw UapiError.PceIdInvalid.Exception() : (route, query, events, 1);
    }

    /// <summary>
    /// The statement: the checked extension, then its first page or the one event, read only when
    /// the extension is allowed; the own parameters start at <c>@p{first}</c>, after the scope's.
    /// On SQLite only the one event (above): its row by its primary key, joined to <c>x</c>.
    /// The page's LIMIT is written as a number, not a parameter: with a parameter PostgreSQL's
    /// generic plan assumes a tenth of the extension's rows are wanted, finds itself dearer than a
    /// plan for LIMIT 20, and plans the statement again on every execution
    /// (<c>pg_prepared_statements</c>: 0 generic plans of 12; each such plan of this join ≈ 1 ms).
    /// One text per page size (at most <see cref="PageRequest.MaxCount"/>), each prepared by Npgsql
    /// once it is used often, so the plan is made once.
    /// </summary>
    private static string Statement(ExtensionScope scope, bool sqlite, bool one, ListQuery query, int first)
    {
        if (sqlite)
        {
            return ExtensionAccess.CheckedExtension(scope, sqlite: true) + $"""
                SELECT x.*, t.* FROM x LEFT JOIN (
                    SELECT {PhoneCallEventRows.Columns} FROM phone_call_events
                    WHERE type = @p{first} AND id = @p{first + 1}) t ON t.extension_id = x.id AND x.allowed
                """;
        }
        var rows = one
            ? $"AND type = @p{first} AND id = @p{first + 1}"
            : $"{query.OrderBySql} LIMIT {query.Page.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return ExtensionAccess.CheckedExtension(scope, sqlite: false) + $"""
            SELECT x.*, t.* FROM x LEFT JOIN LATERAL (
                SELECT {PhoneCallEventRows.Columns} FROM phone_call_events
                WHERE extension_id = x.id AND x.allowed {rows}) t ON TRUE
            """;
    }
}
