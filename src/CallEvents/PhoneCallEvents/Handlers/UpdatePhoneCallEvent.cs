using System.Text.Json;
using CallEvents.Accounts;
using CallEvents.Dispatch.Destinations;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallEvents.PhoneCallEvents.Handlers;

public static class UpdatePhoneCallEvent
{
    /// <summary>
    /// <c>PUT …/phoneCallEvents/{eventType}/{eventId}</c>: a partial update of method, url,
    /// status and note (contract §7). An id of another type or extension is pce_id_invalid,
    /// exactly like an unknown one.
    /// </summary>
    public static async Task<Ok<PhoneCallEventOut[]>> HandleAsync(
        HttpContext context, ExtensionAccess access, PreparedSql sql, WriteBatches writes, DestinationPolicy destinations, TimeProvider clock)
    {
        if (await TryOneStatementAsync(context, access, sql.IsSqlite, writes, destinations, clock) is var (checkedRoute, updated))
        {
            return TypedResults.Ok(new[] { updated.ToOut(checkedRoute, context.Request) });
        }
        var route = await EventRoute.ResolveAsync(context, access);
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var pce = await UpdateAsync(route, PhoneCallEventInput.Parse(body.RootElement), writes, destinations, clock, context.RequestAborted);
        return TypedResults.Ok(new[] { pce.ToOut(route, context.Request) });
    }

    /// <summary>The update itself, on a resolved route, for every path that updates (the API above, the console).</summary>
    public static async Task<PhoneCallEvent> UpdateAsync(EventRoute route, PhoneCallEventInput input, WriteBatches writes,
        DestinationPolicy destinations, TimeProvider clock, CancellationToken cancellationToken)
    {
        var url = await ValidateAsync(input, route.Type, destinations, cancellationToken);
        List<object?> values = [route.EventId, route.Extension.Id, route.Type];
        var update = $"UPDATE phone_call_events SET {Changes(input, url, clock, values)} WHERE id = @p0 AND extension_id = @p1 AND type = @p2 RETURNING {PhoneCallEventRows.Columns}";

        return await writes.RunAsync(async lease =>
        {
            await using var reader = await lease.Command(update, [.. values]).ExecuteReaderAsync(CancellationToken.None);
            return await reader.ReadAsync(CancellationToken.None)
                ? PhoneCallEventRows.Read(reader)
                : throw UapiError.PceIdInvalid.Exception();
        });
    }

    /// <summary>The body's fields checked in the documented order; the url as it is stored, null when the body has none.</summary>
    private static async Task<string?> ValidateAsync(PhoneCallEventInput input, int? routeType, DestinationPolicy destinations, CancellationToken cancellationToken)
    {
        if (input.HasType && (input.IsMalformed("type") || input.Type != routeType))
        {
            throw UapiError.PceTypeInvalid.Exception();
        }
        if (input.HasMethod && input.Method is null)
        {
            throw UapiError.PceMethodInvalid.Exception();
        }
        var url = input.HasUrl ? await UrlRules.ValidateAsync(input.Url, destinations, cancellationToken) : null;
        if (input.HasStatus && input.Status is null)
        {
            throw UapiError.PceStatusInvalid.Exception();
        }
        if (input.IsMalformed("note") || !PhoneCallEventInput.IsValidNote(input.Note))
        {
            throw UapiError.PceNoteInvalid.Exception();
        }
        return url;
    }

    /// <summary>
    /// The SET clause: modified, and only the fields the body names (one SQL text per combination,
    /// each prepared once); their values are added to <paramref name="values"/>, numbered after the ones in it.
    /// </summary>
    private static string Changes(PhoneCallEventInput input, string? url, TimeProvider clock, List<object?> values)
    {
        var set = new System.Text.StringBuilder("modified = @p").Append(values.Count);
        values.Add(PhoneCallEvent.FormatModified(clock.GetUtcNow()));
        if (input.Method is { } method)
        {
            set.Append(", method = @p").Append(values.Count);
            values.Add(method);
        }
        if (url is not null)
        {
            set.Append(", url = @p").Append(values.Count);
            values.Add(url);
        }
        if (input.Status is { } status)
        {
            set.Append(", status = @p").Append(values.Count);
            values.Add(status);
        }
        if (input.HasNote)
        {
            set.Append(", note = @p").Append(values.Count);
            values.Add(input.Note);
        }
        return set.ToString();
    }

    /// <summary>
    /// The extension check and the update in one statement: on PostgreSQL <see cref="ExtensionAccess.CheckedExtension"/>
    /// (two round trips were most of an update's cost there: bench/README.md, PostgreSQL (session 4));
    /// on SQLite the update of an event of the extensions the caller may manage
    /// (<see cref="ExtensionScope.Sql.ManageableIds"/>, as the single delete does), on the writer's
    /// connection, so the check no longer runs on a reader whose page cache the last write had just
    /// dropped (bench/README.md, UAPI on SQLite (session 5)); a statement that updated nothing sends
    /// the request down the full path, which finds the documented error.
    /// Null, before the body is read, when the route is not the plain case, and the caller takes the
    /// full path. Otherwise this answers: every error still comes in the documented order — a body
    /// or field error waits until the full check has run (which throws first when it fails); a
    /// body with a url takes the check first, as its validation looks the host up; and an
    /// extension the statement did not find allowed gets the full check's error.
    /// </summary>
    private static async Task<(EventRoute, PhoneCallEvent)?> TryOneStatementAsync(
        HttpContext context, ExtensionAccess access, bool sqlite, WriteBatches writes, DestinationPolicy destinations, TimeProvider clock)
    {
        if (!PlainRoute.TryRead(context.Caller(), context.Request.RouteValues, out var plain)
            || plain is not { Type: { } type, EventId: { } eventId })
        {
            return null;
        }
        var (userId, scope, extended, _, _) = plain;
        JsonDocument body;
        try
        {
            body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        }
        catch (UapiException)
        {
            await EventRoute.ResolveAsync(context, access); // the route's own error comes first
            throw;
        }
        using (body)
        {
            var input = await ParseAndCheckAsync(body);
            if (input.HasUrl)
            {
                var route = await EventRoute.ResolveAsync(context, access);
                return (route, await UpdateAsync(route, input, writes, destinations, clock, context.RequestAborted));
            }
            List<object?> values = [.. scope.ExtensionParameters(extended), eventId, type];
            var first = values.Count - 2;
            var update = sqlite ? $"""
                UPDATE phone_call_events SET {Changes(input, null, clock, values)}
                WHERE id = @p{first} AND type = @p{first + 1} AND extension_id IN ({ManageableIdsSqlite(scope)})
                RETURNING {UpdatedExtensionSqlite}, {PhoneCallEventRows.Columns}
                """ : ExtensionAccess.CheckedExtension(scope, sqlite: false) + $"""
                , t AS (
                    UPDATE phone_call_events SET {Changes(input, null, clock, values)}
                    WHERE id = @p{first} AND type = @p{first + 1} AND extension_id = (SELECT id FROM x WHERE allowed)
                    RETURNING {PhoneCallEventRows.Columns})
                SELECT x.*, t.* FROM x LEFT JOIN t ON TRUE
                """;
            var (managed, pce) = await writes.RunAsync(async lease =>
            {
                await using var reader = await lease.Command(update, [.. values]).ExecuteReaderAsync(CancellationToken.None);
                return await reader.ReadAsync(CancellationToken.None) && ExtensionAccess.Allowed(reader) is { } found
                    ? (found, reader.IsDBNull(ExtensionAccess.CheckedColumns) ? null : PhoneCallEventRows.Read(reader, ExtensionAccess.CheckedColumns))
                    : ((ManagedExtension?)null, (PhoneCallEvent?)null);
            });
            if (managed is null)
            {
                // Not found allowed: the full check says why. Should it pass now (the extension changed
                // meanwhile), the update runs after it, as on the full path.
                var route = await EventRoute.ResolveAsync(context, access);
                return (route, await UpdateAsync(route, input, writes, destinations, clock, context.RequestAborted));
            }
            return (new EventRoute(managed, type, eventId, userId), pce ?? throw UapiError.PceIdInvalid.Exception());
        }

        // The body's own errors, after the route's (which the full check throws first when there is one).
        async Task<PhoneCallEventInput> ParseAndCheckAsync(JsonDocument body)
        {
            try
            {
                var input = PhoneCallEventInput.Parse(body.RootElement);
                if (!input.HasUrl)
                {
                    await ValidateAsync(input, type, destinations, context.RequestAborted);
                }
                return input;
            }
            catch (UapiException)
            {
                await EventRoute.ResolveAsync(context, access);
                throw;
            }
        }
    }

    /// <summary>SQLite: the ids of the extensions the scope may manage, its parameters from <c>@p0</c>.</summary>
    private static readonly Func<ExtensionScope, string> ManageableIdsSqlite = ExtensionScope.ExtensionStatement(0, scope => scope.ManageableIds);

    /// <summary>
    /// SQLite: what <see cref="ExtensionAccess.Allowed"/> reads, for the updated event's extension
    /// (RETURNING names only the updated table's columns, so the extension's are subqueries on its
    /// primary key); allowed is 1, as only an allowed extension's event can have been updated.
    /// </summary>
    private static readonly string UpdatedExtensionSqlite = string.Join(", ",
        ["phone_call_events.extension_id", .. new[] { "number", "owner_id", "organization_id", EventCountTriggers.CountSql("e", postgres: false) }
            .Select(column => $"(SELECT {column} FROM extensions e WHERE e.id = phone_call_events.extension_id)"), "1"]);
}
