using System.Text;
using CallEvents.Accounts;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

public static class ListPhoneCallEvents
{
    /// <summary>
    /// <c>GET …/phoneCallEvents[/{eventType}[/{eventId}]]</c>: a UAPI collection (contract §7).
    /// Plain SQL (Storage/Sql/PreparedSql.cs): the page is one statement, totalResults of a whole
    /// extension is its event_count, and one event's page is its row, so only a type or filter
    /// restriction needs a count.
    /// </summary>
    public static async Task<PhoneCallEventPage> HandleAsync(HttpContext context, ExtensionAccess access, PreparedSql sql)
    {
        var (route, query, events, total) = await OneStatementReads.TryListAsync(context, sql) is { } done ? done
            : await FullAsync(context, access, sql);
        var linkBase = UapiLinks.Base(context.Request);
        var entries = new List<PhoneCallEventOut>(events.Count);
        foreach (var pce in events)
        {
            entries.Add(pce.ToOut(route, linkBase, query.Fields));
        }
        return new PhoneCallEventPage(new UapiCollection<PhoneCallEventOut>(
            entries, total, query.Page.Count, query.Page.StartIndex, query.Page.LinksFor(context.Request, total)));
    }

    /// <summary>Every check in the documented order, then the page: what <see cref="OneStatementReads"/> leaves.</summary>
    private static async Task<(EventRoute, ListQuery, List<PhoneCallEvent>, int)> FullAsync(HttpContext context, ExtensionAccess access, PreparedSql sql)
    {
        var route = await EventRoute.ResolveAsync(context, access);
        var query = ListQuery.From(context.Request.Query);
        var (events, total) = await ListAsync(route, query, sql, context.RequestAborted);
        return (route, query, events, total);
    }

    /// <summary>The page of events and totalResults on a resolved route (the API above, the console).</summary>
    public static async Task<(List<PhoneCallEvent> Events, int Total)> ListAsync(EventRoute route, ListQuery query, PreparedSql sql, CancellationToken cancellationToken)
    {
        var where = new StringBuilder("extension_id = @p0");
        var values = new List<object?> { route.Extension.Id };
        if (route.Type is { } type)
        {
            where.Append(" AND type = @p").Append(values.Count);
            values.Add(type);
        }
        if (route.EventId is { } id)
        {
            where.Append(" AND id = @p").Append(values.Count);
            values.Add(id);
        }
        if (query.FilterSql(sql.IsSqlite, values.Count, out var filterValue) is { } filter)
        {
            where.Append(" AND ").Append(filter);
            if (filterValue is not null)
            {
                values.Add(filterValue);
            }
        }

        await using var lease = await sql.OpenAsync(cancellationToken);
        var entries = new List<PhoneCallEvent>();
        int total;
        if (route.EventId is not null)
        {
            // One event at most: its row is the whole answer, so no separate count.
            await using (var reader = await lease.Command($"SELECT {PhoneCallEventRows.Columns} FROM phone_call_events WHERE {where}", [.. values]).ExecuteReaderAsync(cancellationToken))
            {
                total = await reader.ReadAsync(cancellationToken) ? 1 : 0;
                if (total == 1 && query.Page.StartIndex == 0)
                {
                    entries.Add(PhoneCallEventRows.Read(reader));
                }
            }
            if (total == 0 && (!query.Filters || !await ExistsAsync(lease, route, cancellationToken)))
            {
                throw UapiError.PceIdInvalid.Exception();
            }
        }
        else
        {
            total = route.Type is null && !query.Filters
                ? route.Extension.EventCount
                : Convert.ToInt32(await lease.Command($"SELECT count(*) FROM phone_call_events WHERE {where}", [.. values]).ExecuteScalarAsync(cancellationToken),
                    System.Globalization.CultureInfo.InvariantCulture);
            if (total > query.Page.StartIndex)
            {
                var page = PageSql(where.ToString(), query, values.Count);
                values.Add(query.Page.Count);
                values.Add(query.Page.StartIndex);
                await using var reader = await lease.Command(page, [.. values]).ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    entries.Add(PhoneCallEventRows.Read(reader));
                }
            }
        }
        return (entries, total);
    }

    /// <summary>A page of the events <paramref name="where"/> selects, its count and start the parameters <c>@p{first}</c> and after.</summary>
    internal static string PageSql(string where, ListQuery query, int first) =>
        $"SELECT {PhoneCallEventRows.Columns} FROM phone_call_events WHERE {where} {query.OrderBySql} LIMIT {SqlLimit.Of($"@p{first}")} OFFSET @p{first + 1}";

    /// <summary>Whether the named event exists at all (a filter that excludes it is an empty page, not pce_id_invalid).</summary>
    private static async Task<bool> ExistsAsync(PreparedSql.Lease lease, EventRoute route, CancellationToken cancellationToken) =>
        await lease.Command("SELECT 1 FROM phone_call_events WHERE id = @p0 AND extension_id = @p1 AND type = @p2",
            route.EventId, route.Extension.Id, route.Type).ExecuteScalarAsync(cancellationToken) is not null;
}
