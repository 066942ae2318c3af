using System.Globalization;
using CallEvents.Accounts;
using CallEvents.Dispatch.Queue;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using CallEvents.Uapi;
using CallEvents.Uapi.Declarations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Dispatch.Attempts;

/// <summary>
/// <c>…/phoneCallEvents/{eventType}/{eventId}/deliveries</c>: the log of an event's delivery
/// attempts, newest first, and replays. The same context rules as the event itself
/// (EventRoute), and the event must exist there (else pce_id_invalid): nobody reads or
/// replays another tenant's deliveries.
/// </summary>
public static class DeliveryLogApi
{
    public static readonly UapiError DeliveryIdInvalid = new(400, "delivery_id_invalid",
        "Value supplied in the URI-Fragment as deliveryId is invalid. The parameter must reference a recorded delivery of this phone call event.");
    public static readonly UapiError SinceInvalid = new(400, "request_invalid",
        "The request is invalid: since must be an XML Schema dateTime with an offset.");

    public static RouteGroupBuilder MapDeliveryLog(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(PhoneCallEventsApi.Prefix + "/{eventType}/{eventId}/deliveries").RequireCaller().WithTags("Deliveries")
            .Answers(UapiError.UserInvalid, UapiError.ExtensionInvalid, UapiError.PceAccessDenied, UapiError.PceTypeInvalid, UapiError.PceIdInvalid);
        group.MapGet("", ListAsync).WithName("listDeliveries").WithSummary("The event's delivery attempts, newest first")
            .Answers(UapiError.CountInvalid, UapiError.StartIndexInvalid).Reads(DeclaredQueryExtensions.Paging);
        group.MapPost("/replay", ReplaySinceAsync).WithName("replayDeliveriesSince").WithSummary("Queue again every failed delivery of the event since a time")
            .Answers(SinceInvalid).Reads(new DeclaredQuery("since", "A date-time with an offset, e.g. 2026-12-01T00:00:00Z (encode + as %2B).", "string", "2026-12-01T00:00:00Z"));
        group.MapPost("/{deliveryId}/replay", ReplayOneAsync).WithName("replayDelivery").WithSummary("Queue one recorded delivery again, with the same webhook-id")
            .Answers(DeliveryIdInvalid);
        return group;
    }

    private static async Task<string> ResolveEventAsync(HttpContext context, ExtensionAccess access, CallEventsDb db) =>
        await EventOfAsync(await EventRoute.ResolveAsync(context, access), db, context.RequestAborted);

    /// <summary>The event a resolved route names, when it exists there (else pce_id_invalid): the API's and the console's check.</summary>
    public static async Task<string> EventOfAsync(EventRoute route, CallEventsDb db, CancellationToken cancellationToken)
    {
        var exists = route.EventId is not null && await db.PhoneCallEvents.AnyAsync(
            e => e.Id == route.EventId && e.ExtensionId == route.Extension.Id && e.Type == route.Type, cancellationToken);
        return exists ? route.EventId! : throw UapiError.PceIdInvalid.Exception();
    }

    public static async Task<Ok<UapiCollection<DeliveryAttemptOut>>> ListAsync(HttpContext context, ExtensionAccess access, CallEventsDb db)
    {
        var eventId = await ResolveEventAsync(context, access, db);
        var page = PageRequest.From(context.Request.Query);
        var (entries, total) = await PageAsync(eventId, db, page.StartIndex, page.Count, afterSeq: null, context.RequestAborted);
        return TypedResults.Ok(new UapiCollection<DeliveryAttemptOut>([.. entries.Select(e => e.Out)], total, page.Count, page.StartIndex, page.LinksFor(context.Request, total)));
    }

    /// <summary>An entry of the log with its place in it (the console's live view asks for the entries after the last it has).</summary>
    public sealed record LoggedAttempt(long Seq, DeliveryAttemptOut Out);

    /// <summary>
    /// A page of the event's log, newest first, and how many entries it has; only entries after
    /// <paramref name="afterSeq"/> when given. The event must have been checked (<see cref="EventOfAsync"/>).
    /// </summary>
    public static async Task<(List<LoggedAttempt> Entries, int Total)> PageAsync(
        string eventId, CallEventsDb db, int startIndex, int count, long? afterSeq, CancellationToken cancellationToken)
    {
        var attempts = db.DeliveryAttempts.AsNoTracking().Where(a => a.EventId == eventId);
        if (afterSeq is { } after)
        {
            attempts = attempts.Where(a => a.Seq > after);
        }
        var total = await attempts.CountAsync(cancellationToken);
        var rows = await (
            from attempt in attempts
            join delivery in db.Deliveries on attempt.DeliverySeq equals delivery.Seq
            orderby attempt.Seq descending
            select new { attempt, delivery.Id, delivery.CallId, delivery.Kind })
            .Skip(startIndex).Take(count).ToListAsync(cancellationToken);
        var entries = rows.Select(r => new LoggedAttempt(r.attempt.Seq, new DeliveryAttemptOut(
            r.Id, r.CallId, r.Kind, Text(r.attempt.Attempt),
            PhoneCallEvent.FormatModified(DateTimeOffset.FromUnixTimeMilliseconds(r.attempt.AttemptedAt)),
            r.attempt.HttpStatus is { } status ? Text(status) : null,
            r.attempt.Error,
            Text(r.attempt.LatencyMs),
            r.attempt.Outcome.ToString().ToLowerInvariant()))).ToList();
        return (entries, total);
    }

    /// <summary><c>POST …/deliveries/{deliveryId}/replay</c>: queue a recorded delivery again, due now, with the same webhook-id.</summary>
    public static async Task<Accepted<ReplayedId[]>> ReplayOneAsync(
        HttpContext context, ExtensionAccess access, CallEventsDb db, WriteGate gate, DeliverySignal signal, TimeProvider clock)
    {
        var eventId = await ResolveEventAsync(context, access, db);
        var deliveryId = context.Request.RouteValues["deliveryId"] as string ?? "";
        await ReplayAsync(eventId, deliveryId, db, gate, signal, clock, context.RequestAborted);
        return TypedResults.Accepted((string?)null, new[] { new ReplayedId(deliveryId) });
    }

    /// <summary>Queues the recorded delivery <paramref name="deliveryId"/> of a checked event (<see cref="EventOfAsync"/>) again, due now; else delivery_id_invalid.</summary>
    public static async Task ReplayAsync(string eventId, string deliveryId, CallEventsDb db, WriteGate gate, DeliverySignal signal, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        int updated;
        using (await gate.EnterAsync(cancellationToken))
        {
            updated = await DeliveryQueue.RequeueAsync(db.Deliveries.Where(d => d.Id == deliveryId && d.EventId == eventId), now);
        }
        if (updated == 0)
        {
            throw DeliveryIdInvalid.Exception();
        }
        signal.Wake();
    }

    /// <summary><c>POST …/deliveries/replay?since=…</c>: queue again every failed delivery of the event that finished since then.</summary>
    public static async Task<Accepted<ReplayedId[]>> ReplaySinceAsync(
        HttpContext context, ExtensionAccess access, CallEventsDb db, WriteGate gate, DeliverySignal signal, TimeProvider clock)
    {
        var eventId = await ResolveEventAsync(context, access, db);
        if (context.Request.Query["since"] is not [{ } text]
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            throw SinceInvalid.Exception();
        }
        var sinceMs = since.ToUnixTimeMilliseconds();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        List<string> ids;
        using (await gate.EnterAsync(context.RequestAborted))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var failed = db.Deliveries.Where(d => d.EventId == eventId && d.State == DeliveryState.Failed && d.FinishedAt >= sinceMs);
            ids = await failed.OrderBy(d => d.Seq).Select(d => d.Id).ToListAsync(CancellationToken.None);
            await DeliveryQueue.RequeueAsync(failed, now);
            await transaction.CommitAsync(CancellationToken.None);
        }
        if (ids.Count > 0)
        {
            signal.Wake();
        }
        return TypedResults.Accepted((string?)null, ids.Select(id => new ReplayedId(id)).ToArray());
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
