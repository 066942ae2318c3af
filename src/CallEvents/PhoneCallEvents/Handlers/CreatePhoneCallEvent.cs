using CallEvents.Accounts;
using CallEvents.Dispatch.Destinations;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

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

        var insert = sql.IsSqlite ? InsertSqlite : InsertPostgres;
        var limit = options.MaxPerExtension;
        await writes.RunAsync(async lease =>
        {
            var inserted = await lease.Command(insert,
                pce.Id, pce.ExtensionId, pce.Type, pce.Method, pce.Url, pce.Status, pce.Note, pce.AppClientId, pce.Modified, limit)
                .ExecuteNonQueryAsync(CancellationToken.None);
            if (inserted == 0)
            {
                var exists = await lease.Command("SELECT 1 FROM extensions WHERE id = @p0", pce.ExtensionId).ExecuteScalarAsync(CancellationToken.None);
                throw (exists is null ? UapiError.ExtensionInvalid : UapiError.PceLimitExceeded).Exception();
            }
            return inserted;
        });
        return pce;
    }

    // The limit check and the insert are one statement, so two racing creates cannot both see
    // room for one: on SQLite writes run one at a time (WriteBatches); on PostgreSQL the extension's row
    // is locked for the statement and its event_count re-read after any wait (creates on other
    // extensions are not held up). The count itself is kept by triggers (Storage/EventCountTriggers.cs).
    private const string InsertSqlite = """
        INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
        SELECT @p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8 FROM extensions WHERE id = @p1 AND event_count < @p9
        """;

    private const string InsertPostgres = """
        WITH room AS (SELECT id FROM extensions WHERE id = @p1 AND event_count < @p9 FOR UPDATE)
        INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
        SELECT @p0, room.id, @p2, @p3, @p4, @p5, @p6, @p7, @p8 FROM room
        """;
}
