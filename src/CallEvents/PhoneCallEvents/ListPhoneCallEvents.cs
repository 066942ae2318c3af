using CallEvents.Accounts;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.PhoneCallEvents;

public static class ListPhoneCallEvents
{
    /// <summary><c>GET …/phoneCallEvents[/{eventType}[/{eventId}]]</c>: a UAPI collection (contract §7).</summary>
    public static async Task<Ok<UapiCollection<PhoneCallEventOut>>> HandleAsync(HttpContext context, ExtensionAccess access, CallEventsDb db)
    {
        var route = await EventRoute.ResolveAsync(context, access);
        var query = ListQuery.From(context.Request.Query);

        var events = db.PhoneCallEvents.AsNoTracking().Where(e => e.ExtensionId == route.Extension.Id);
        if (route.Type is { } type)
        {
            events = events.Where(e => e.Type == type);
        }
        if (route.EventId is { } id)
        {
            events = events.Where(e => e.Id == id);
        }
        events = query.ApplyFilter(events);

        var total = await events.CountAsync(context.RequestAborted);
        if (route.EventId is not null && total == 0
            && !await db.PhoneCallEvents.AnyAsync(e => e.Id == route.EventId && e.ExtensionId == route.Extension.Id && e.Type == route.Type, context.RequestAborted))
        {
            throw UapiError.PceIdInvalid.Exception();
        }
        var page = total <= query.Page.StartIndex
            ? []
            : await query.ApplySort(events).Skip(query.Page.StartIndex).Take(query.Page.Count).ToListAsync(context.RequestAborted);

        var entries = page.Select(e => e.ToOut(route, context.Request, query.Fields)).ToArray();
        return TypedResults.Ok(new UapiCollection<PhoneCallEventOut>(
            entries, total, query.Page.Count, query.Page.StartIndex, query.Page.LinksFor(context.Request, total)));
    }
}
