using CallEvents.Accounts;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallEvents.PhoneCallEvents.Handlers;

public static class DeletePhoneCallEvents
{
    /// <summary>
    /// <c>DELETE …/phoneCallEvents[/{eventType}[/{eventId}]]</c> (contract §7): one event, every
    /// event of a type, or every event of the extension. One <c>DELETE … RETURNING id</c>
    /// statement does it, on the extension the caller was found allowed to manage (or, for one
    /// event, with that check in its WHERE clause: <see cref="SingleDelete"/>); it is atomic, and
    /// the ids it returns are exactly the rows that are gone, however many creates race with it.
    /// Once started, a delete runs to completion even if the client goes away (WriteBatches).
    /// </summary>
    public static async Task<Results<Ok<DeletedId[]>, NoContent>> HandleAsync(
        HttpContext context, ExtensionAccess access, WriteBatches writes)
    {
        if (await TrySingleDeleteAsync(context, writes) is { } id)
        {
            return TypedResults.Ok(new[] { new DeletedId(id) });
        }
        var route = await EventRoute.ResolveAsync(context, access);
        var deleted = await DeleteAsync(route, writes);
        return deleted.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(deleted.Select(id => new DeletedId(id)).ToArray());
    }

    /// <summary>
    /// The delete itself on a resolved route (the API's full path, the console): the ids that are
    /// gone; none for a type or extension without events; pce_id_invalid for one event that is not there.
    /// </summary>
    public static async Task<List<string>> DeleteAsync(EventRoute route, WriteBatches writes)
    {
        var delete = "DELETE FROM phone_call_events WHERE extension_id = @p0"
            + (route.Type is null ? "" : " AND type = @p1")
            + (route.EventId is null ? "" : " AND id = @p2")
            + " RETURNING id";
        object?[] values = route.EventId is not null ? [route.Extension.Id, route.Type, route.EventId]
            : route.Type is not null ? [route.Extension.Id, route.Type]
            : [route.Extension.Id];
        var deleted = await writes.RunAsync(async lease =>
        {
            var ids = new List<string>();
            if (route.EventId is null)
            {
                lease.WidenWriterCache(); // maybe every event of the extension: pages all over two indexes
            }
            await using var reader = await lease.Command(delete, values).ExecuteReaderAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
                ids.Add(reader.GetString(0));
            }
            return ids;
        });
        if (route.EventId is not null && deleted.Count == 0)
        {
            throw UapiError.PceIdInvalid.Exception();
        }
        return deleted;
    }

    /// <summary>The one-round-trip single delete (<see cref="SingleDelete"/>): the id when it deleted the event, else null.</summary>
    private static async Task<string?> TrySingleDeleteAsync(HttpContext context, WriteBatches writes)
    {
        if (!context.Request.RouteValues.ContainsKey("eventId")
            || !SingleDelete.TryBuild(context.Caller(), context.Request.RouteValues, out var delete, out var values))
        {
            return null;
        }
        return await writes.RunAsync(async lease => await lease.Command(delete, values).ExecuteScalarAsync(CancellationToken.None) as string);
    }
}
