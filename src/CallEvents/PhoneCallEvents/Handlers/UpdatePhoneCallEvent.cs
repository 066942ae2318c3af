using CallEvents.Accounts;
using CallEvents.Dispatch.Destinations;
using CallEvents.PhoneCallEvents.Wire;
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
        HttpContext context, ExtensionAccess access, WriteBatches writes, DestinationPolicy destinations, TimeProvider clock)
    {
        var route = await EventRoute.ResolveAsync(context, access);
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var pce = await UpdateAsync(route, PhoneCallEventInput.Parse(body.RootElement), writes, destinations, clock, context.RequestAborted);
        return TypedResults.Ok(new[] { pce.ToOut(route, context.Request) });
    }

    /// <summary>The update itself, on a resolved route, for every path that updates (the API above, the console).</summary>
    public static async Task<PhoneCallEvent> UpdateAsync(EventRoute route, PhoneCallEventInput input, WriteBatches writes,
        DestinationPolicy destinations, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (input.HasType && (input.IsMalformed("type") || input.Type != route.Type))
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

        // Only the fields the body names are set (one SQL text per combination, each prepared once).
        var set = new System.Text.StringBuilder("modified = @p3");
        List<object?> values = [route.EventId, route.Extension.Id, route.Type, PhoneCallEvent.FormatModified(clock.GetUtcNow())];
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
        var update = $"UPDATE phone_call_events SET {set} WHERE id = @p0 AND extension_id = @p1 AND type = @p2 RETURNING {PhoneCallEventRows.Columns}";

        return await writes.RunAsync(async lease =>
        {
            await using var reader = await lease.Command(update, [.. values]).ExecuteReaderAsync(CancellationToken.None);
            return await reader.ReadAsync(CancellationToken.None)
                ? PhoneCallEventRows.Read(reader)
                : throw UapiError.PceIdInvalid.Exception();
        });
    }
}
