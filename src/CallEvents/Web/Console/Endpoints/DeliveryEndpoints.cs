using CallEvents.Accounts;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Queue;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
using CallEvents.Uapi;
using CallEvents.Web.Console.Pages;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>An event's delivery log (the API's: Dispatch/Attempts/DeliveryLogApi), its live stream, and replays.</summary>
public static class DeliveryEndpoints
{
    /// <summary>The log page shows the newest this many attempts; the live stream adds the ones after.</summary>
    public const int AttemptsShown = 100;

    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/extensions/{number}/events/{type}/{id}/deliveries", ShowAsync);
        console.MapGet("/extensions/{number}/events/{type}/{id}/deliveries/live", (HttpContext http, string number, string type, string id, DeliveryStream stream) =>
            stream.RunAsync(http, number, type, id));
        console.MapPost("/extensions/{number}/events/{type}/{id}/deliveries/{deliveryId}/replay", ReplayAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, string number, string type, string id, ExtensionAccess access, PreparedSql sql, CallEventsDb db)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var (events, _) = await ExtensionEndpoints.EventsAsync(route, sql, http.RequestAborted);
        var pce = events.Count == 1 ? events[0] : throw UapiError.PceIdInvalid.Exception();
        var (entries, total) = await DeliveryLogApi.PageAsync(pce.Id, db, 0, AttemptsShown, afterSeq: null, http.RequestAborted);
        var last = entries.Count == 0 ? 0 : entries.Max(e => e.Seq);
        return ConsolePage.Show<DeliveriesPage>(http, $"Deliveries of an event of {route.Extension.Number}",
            new DeliveriesPage.View(route.Extension.Number, pce, entries, total, last, ExtensionEndpoints.Notice(http.Request)));
    }

    /// <summary>Queues a recorded delivery again, with the same webhook-id: the API's replay (contract §9).</summary>
    private static async Task<IResult> ReplayAsync(HttpContext http, string number, string type, string id, string deliveryId,
        ExtensionAccess access, CallEventsDb db, WriteGate gate, DeliverySignal signal, TimeProvider clock)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var eventId = await DeliveryLogApi.EventOfAsync(route, db, http.RequestAborted);
        await DeliveryLogApi.ReplayAsync(eventId, deliveryId, db, gate, signal, clock, http.RequestAborted);
        return Results.Redirect(ConsoleLinks.Deliveries(route.Extension.Number, route.Type!.Value, eventId) + "?done=replayed");
    }
}
