using CallEvents.Accounts;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.PhoneCallEvents;

public static class DeletePhoneCallEvents
{
    /// <summary>
    /// <c>DELETE …/phoneCallEvents[/{eventType}[/{eventId}]]</c> (contract §7): one event, every
    /// event of a type, or every event of the extension. One <c>DELETE … RETURNING id</c>
    /// statement does it: the context check is in its WHERE clause, it is atomic, and the ids it
    /// returns are exactly the rows that are gone, however many creates race with it.
    /// </summary>
    public static async Task<Results<Ok<DeletedId[]>, NoContent>> HandleAsync(
        HttpContext context, ExtensionAccess access, CallEventsDb db, WriteGate gate)
    {
        if (await TrySingleDeleteAsync(context, db, gate) is { } id)
        {
            return TypedResults.Ok(new[] { new DeletedId(id) });
        }
        var route = await EventRoute.ResolveAsync(context, access);

        List<DeletedId> deleted;
        using (await gate.EnterAsync(context.RequestAborted))
        {
            deleted = await DeleteReturningIdsAsync(db, route.Extension.Id, route.Type, route.EventId);
        }

        if (route.EventId is not null && deleted.Count == 0)
        {
            throw UapiError.PceIdInvalid.Exception();
        }
        return deleted.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(deleted.ToArray());
    }

    /// <summary>The one-round-trip single delete (<see cref="SingleDelete"/>): the id when it deleted the event, else null.</summary>
    private static async Task<string?> TrySingleDeleteAsync(HttpContext context, CallEventsDb db, WriteGate gate)
    {
        if (!context.Request.RouteValues.ContainsKey("eventId"))
        {
            return null;
        }
        var connection = db.Database.GetDbConnection();
        using (await gate.EnterAsync(context.RequestAborted))
        {
            await db.Database.OpenConnectionAsync(CancellationToken.None);
            try
            {
                await using var command = SingleDelete.TryCreate(connection, context.Caller(), context.Request.RouteValues);
                if (command is null)
                {
                    return null;
                }
                // Once started, it runs to completion even if the client goes away (as below).
                return await command.ExecuteScalarAsync(CancellationToken.None) as string;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task<List<DeletedId>> DeleteReturningIdsAsync(CallEventsDb db, long extensionId, int? type, string? eventId)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM phone_call_events WHERE extension_id = @extension"
                + (type is null ? "" : " AND type = @type")
                + (eventId is null ? "" : " AND id = @id")
                + " RETURNING id";
            command.AddParameter("extension", extensionId);
            if (type is not null)
            {
                command.AddParameter("type", type.Value);
            }
            if (eventId is not null)
            {
                command.AddParameter("id", eventId);
            }
            // Once started, the delete runs to completion even if the client goes away: the
            // answer would be lost, never the consistency.
            var ids = new List<DeletedId>();
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
                ids.Add(new DeletedId(reader.GetString(0)));
            }
            return ids;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
