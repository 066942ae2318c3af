using CallEvents.Accounts;
using CallEvents.Dispatch;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.PhoneCallEvents;

public static class UpdatePhoneCallEvent
{
    /// <summary>
    /// <c>PUT …/phoneCallEvents/{eventType}/{eventId}</c>: a partial update of method, url,
    /// status and note (contract §7). An id of another type or extension is pce_id_invalid,
    /// exactly like an unknown one.
    /// </summary>
    public static async Task<Ok<PhoneCallEventOut[]>> HandleAsync(
        HttpContext context, ExtensionAccess access, CallEventsDb db, WriteGate gate, DestinationPolicy destinations, TimeProvider clock)
    {
        var route = await EventRoute.ResolveAsync(context, access);
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var input = PhoneCallEventInput.Parse(body.RootElement);

        if (input.HasType && (input.IsMalformed("type") || input.Type != route.Type))
        {
            throw UapiError.PceTypeInvalid.Exception();
        }
        if (input.HasMethod && input.Method is null)
        {
            throw UapiError.PceMethodInvalid.Exception();
        }
        var url = input.HasUrl ? await UrlRules.ValidateAsync(input.Url, destinations, context.RequestAborted) : null;
        if (input.HasStatus && input.Status is null)
        {
            throw UapiError.PceStatusInvalid.Exception();
        }
        if (input.IsMalformed("note") || !PhoneCallEventInput.IsValidNote(input.Note))
        {
            throw UapiError.PceNoteInvalid.Exception();
        }

        using (await gate.EnterAsync(context.RequestAborted))
        {
            var pce = await db.PhoneCallEvents.FirstOrDefaultAsync(
                e => e.Id == route.EventId && e.ExtensionId == route.Extension.Id && e.Type == route.Type, context.RequestAborted)
                ?? throw UapiError.PceIdInvalid.Exception();

            pce.Method = input.Method ?? pce.Method;
            pce.Url = url ?? pce.Url;
            pce.Status = input.Status ?? pce.Status;
            pce.Note = input.HasNote ? input.Note : pce.Note;
            pce.Modified = PhoneCallEvent.FormatModified(clock.GetUtcNow());
            await db.SaveChangesAsync(CancellationToken.None);
            return TypedResults.Ok(new[] { pce.ToOut(route, context.Request) });
        }
    }
}
