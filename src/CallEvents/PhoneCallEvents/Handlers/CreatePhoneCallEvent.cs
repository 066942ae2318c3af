using CallEvents.Accounts;
using CallEvents.Dispatch.Destinations;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallEvents.PhoneCallEvents.Handlers;

public static class CreatePhoneCallEvent
{
    /// <summary>
    /// <c>POST …/phoneCallEvents[/{eventType}]</c>: 200 with <c>[ event ]</c> and a Location
    /// header (contract §7). Fields are checked in the documented order, and nothing is written
    /// unless all of them pass.
    /// </summary>
    public static async Task<Ok<PhoneCallEventOut[]>> HandleAsync(
        HttpContext context, ExtensionAccess access, PreparedSql sql, WriteBatches writes,
        DestinationPolicy destinations, IOptions<PhoneCallEventsOptions> options, TimeProvider clock)
    {
        var route = await EventRoute.ResolveAsync(context, access, UapiError.PcetTypeInvalid);
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var pce = await CreateAsync(route, PhoneCallEventInput.Parse(body.RootElement), context.Caller().ClientId,
            sql, writes, destinations, options.Value, clock, context.RequestAborted);
        var result = pce.ToOut(route, context.Request);
        context.Response.Headers.Location = result.Links!.Self;
        return TypedResults.Ok(new[] { result });
    }

    /// <summary>
    /// The create itself, on a resolved route, for every path that creates (the API above, the
    /// console): the fields checked in the documented order, then the one guarded insert.
    /// <paramref name="clientId"/> is the app the event is registered by (its signing secret signs
    /// the deliveries); null for none (the console's: Web/Console/ConsoleSession.cs says why).
    /// </summary>
    public static async Task<PhoneCallEvent> CreateAsync(EventRoute route, PhoneCallEventInput input, string? clientId,
        PreparedSql sql, WriteBatches writes, DestinationPolicy destinations, PhoneCallEventsOptions options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var type = (route.Type, input.Type) switch
        {
            _ when input.IsMalformed("type") => throw UapiError.PcetTypeInvalid.Exception(),
            ({ } fromPath, { } fromBody) when fromPath != fromBody => throw UapiError.PcetTypeInvalid.Exception(),
            ({ } fromPath, _) => fromPath,
            (null, { } fromBody) => fromBody,
            _ => throw UapiError.PcetTypeInvalid.Exception(),
        };
        var method = input.Method ?? throw UapiError.PceMethodInvalid.Exception();
        var url = await UrlRules.ValidateAsync(input.Url, destinations, cancellationToken);
        if (input.IsMalformed("status"))
        {
            throw UapiError.PceStatusInvalid.Exception();
        }
        if (input.IsMalformed("note") || !PhoneCallEventInput.IsValidNote(input.Note))
        {
            throw UapiError.PceNoteInvalid.Exception();
        }

        var pce = new PhoneCallEvent
        {
            Id = ObjectIds.NewEventId(),
            ExtensionId = route.Extension.Id,
            Type = type,
            Method = method,
            Url = url,
            Status = input.Status ?? 1,
            Note = input.Note,
            AppClientId = clientId,
            Modified = PhoneCallEvent.FormatModified(clock.GetUtcNow()),
        };

        var limit = options.MaxPerExtension;
        await writes.RunAsync(async lease =>
        {
            object?[] values = [pce.Id, pce.ExtensionId, pce.Type, pce.Method, pce.Url, pce.Status, pce.Note, pce.AppClientId, pce.Modified, limit];
            var inserted = sql.IsSqlite
                ? await lease.Command(InsertSqlite, values).ExecuteNonQueryAsync(CancellationToken.None)
                : await InsertPostgresAsync((NpgsqlConnection)lease.Connection, values);
            if (inserted == 0)
            {
                var exists = await lease.Command("SELECT 1 FROM extensions WHERE id = @p0", pce.ExtensionId).ExecuteScalarAsync(CancellationToken.None);
                throw (exists is null ? UapiError.ExtensionInvalid : UapiError.PceLimitExceeded).Exception();
            }
            return inserted;
        });
        return pce;
    }

    // SQLite: the limit check and the insert are one statement, and writes run one at a time
    // (WriteBatches), so two racing creates cannot both see room for one.
    private const string InsertSqlite = """
        INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
        SELECT @p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8 FROM extensions WHERE id = @p1 AND event_count < @p9
        """;

    /// <summary>
    /// PostgreSQL: creates on one extension run side by side, and the limit still holds exactly.
    /// The count is striped (Storage/EventCountTriggers.cs): a create locks its stripe's row before
    /// it checks the count and holds it until it commits, so at most <see cref="EventCountTriggers.Stripes"/>
    /// creates of one extension are between their check and their commit at any time, each
    /// holding a different stripe. The fast path (one round trip, one implicit transaction) takes
    /// the extension's advisory lock shared, then its stripe, then — in a later statement, whose
    /// snapshot sees every create committed before it — inserts only if the count leaves room for
    /// itself and every create that may still be in flight (count + stripes ≤ limit). So it never
    /// takes the count past the limit, and does not wait for other creates (only for one on the
    /// same stripe). Nearer the limit it inserts nothing, and the slow path takes the advisory
    /// lock exclusively: it waits until no fast-path create is in flight (and new ones wait for
    /// it), so its check sees the exact count, as the one-row lock did. Deletes only lower the
    /// count: they take no advisory lock. The two paths run in separate transactions: a create
    /// never holds a stripe while it waits for the exclusive lock (that order could deadlock).
    /// </summary>
    private static async Task<int> InsertPostgresAsync(NpgsqlConnection connection, object?[] values)
    {
        var extensionId = values[1];
        return await RunAsync(connection, [(LockShared, [extensionId]), (LockStripe, [extensionId]), (InsertWithRoomForStripes, values)])
            ?? await RunAsync(connection, [(LockExclusive, [extensionId]), (InsertWithRoom, values)]) ?? 0;
    }

    /// <summary>Runs the statements as one batch (one implicit transaction); the last one's rows, or null when it wrote none.</summary>
    private static async Task<int?> RunAsync(NpgsqlConnection connection, (string Sql, object?[] Values)[] statements)
    {
        await using var batch = connection.CreateBatch();
        foreach (var (text, values) in statements)
        {
            var command = new NpgsqlBatchCommand(text);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new NpgsqlParameter(SqlParameters.Positional(i), values[i] ?? DBNull.Value));
            }
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(CancellationToken.None);
        var rows = batch.BatchCommands[^1].RecordsAffected;
        return rows > 0 ? rows : null;
    }

    private const string LockShared = "SELECT pg_advisory_xact_lock_shared(@p0)";

    private const string LockExclusive = "SELECT pg_advisory_xact_lock(@p0)";

    // A no-op update of this session's stripe (created at 0 if new), to hold it from here on.
    private static readonly string LockStripe = $"""
        INSERT INTO extension_event_counts AS c (extension_id, stripe, events)
        SELECT id, pg_backend_pid() % {EventCountTriggers.Stripes}, 0 FROM extensions WHERE id = @p0
        ON CONFLICT (extension_id, stripe) DO UPDATE SET events = c.events
        """;

    private static readonly string InsertWithRoomForStripes = $"""
        INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
        SELECT @p0, e.id, @p2, @p3, @p4, @p5, @p6, @p7, @p8 FROM extensions e
        WHERE e.id = @p1 AND {EventCountTriggers.CountSql("e", postgres: true)} + {EventCountTriggers.Stripes} <= @p9
        """;

    private static readonly string InsertWithRoom = $"""
        INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
        SELECT @p0, e.id, @p2, @p3, @p4, @p5, @p6, @p7, @p8 FROM extensions e
        WHERE e.id = @p1 AND {EventCountTriggers.CountSql("e", postgres: true)} < @p9
        """;
}
