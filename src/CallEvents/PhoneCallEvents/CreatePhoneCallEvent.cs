using CallEvents.Accounts;
using CallEvents.Dispatch;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.PhoneCallEvents;

public static class CreatePhoneCallEvent
{
    /// <summary>
    /// <c>POST …/phoneCallEvents[/{eventType}]</c>: 200 with <c>[ event ]</c> and a Location
    /// header (contract §7). Fields are checked in the documented order, and nothing is written
    /// unless all of them pass.
    /// </summary>
    public static async Task<Ok<PhoneCallEventOut[]>> HandleAsync(
        HttpContext context, ExtensionAccess access, CallEventsDb db, WriteGate gate,
        DestinationPolicy destinations, IOptions<PhoneCallEventsOptions> options, TimeProvider clock)
    {
        var route = await EventRoute.ResolveAsync(context, access, UapiError.PcetTypeInvalid);
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var input = PhoneCallEventInput.Parse(body.RootElement);

        var type = (route.Type, input.Type) switch
        {
            _ when input.IsMalformed("type") => throw UapiError.PcetTypeInvalid.Exception(),
            ({ } fromPath, { } fromBody) when fromPath != fromBody => throw UapiError.PcetTypeInvalid.Exception(),
            ({ } fromPath, _) => fromPath,
            (null, { } fromBody) => fromBody,
            _ => throw UapiError.PcetTypeInvalid.Exception(),
        };
        var method = input.Method ?? throw UapiError.PceMethodInvalid.Exception();
        var url = await UrlRules.ValidateAsync(input.Url, destinations, context.RequestAborted);
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
            AppClientId = context.Caller().ClientId,
            Modified = PhoneCallEvent.FormatModified(clock.GetUtcNow()),
        };

        using (await gate.EnterAsync(context.RequestAborted))
        {
            // The count and the insert must not interleave with another create on the same
            // extension, or two racing creates could each see room for one. On SQLite the write
            // gate serializes them; PostgreSQL has no gate, so the extension's row is locked for
            // the transaction instead (creates on other extensions are not held up).
            await using var transaction = db.Database.IsSqlite() ? null : await db.Database.BeginTransactionAsync(context.RequestAborted);
            if (transaction is not null)
            {
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM extensions WHERE id = {route.Extension.Id} FOR UPDATE", context.RequestAborted);
            }
            var existing = await db.PhoneCallEvents.CountAsync(e => e.ExtensionId == route.Extension.Id, context.RequestAborted);
            if (existing >= options.Value.MaxPerExtension)
            {
                throw UapiError.PceLimitExceeded.Exception();
            }
            db.PhoneCallEvents.Add(pce);
            await db.SaveChangesAsync(CancellationToken.None);
            if (transaction is not null)
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
        }

        var result = pce.ToOut(route, context.Request);
        context.Response.Headers.Location = result.Links!.Self;
        return TypedResults.Ok(new[] { result });
    }
}
