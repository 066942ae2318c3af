using CallEvents.Accounts;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch;

/// <summary>
/// <c>POST /pbx/callEvents</c> (contract §9): the PBX reports call events; every resulting
/// delivery is committed in one transaction before the 202, so an acknowledged report survives
/// a crash. A bad event rejects the whole report and nothing is queued.
/// </summary>
public static class CallEventIntake
{
    public sealed record Accepted(int Events, int Deliveries);

    public static async Task<Accepted<Accepted>> HandleAsync(
        HttpContext context, CallEventsDb db, WriteGate gate, DeliverySignal signal, IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        if (context.Caller().Kind != AccountKind.Admin)
        {
            throw UapiError.PceAccessDenied.Exception();
        }
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var reports = CallEventReport.ParseBody(body.RootElement, options.Value.MaxEventsPerReport);

        var now = clock.GetUtcNow();
        // Per event and call, deliveries go out in intake order: order the report by when things happened.
        var ordered = reports.Select((r, i) => (Report: r, Index: i))
            .OrderBy(x => x.Report.OccurredAt ?? now).ThenBy(x => x.Index).Select(x => x.Report).ToList();
        var numbers = ordered.Select(r => r.Extension).Distinct().ToList();

        int queued;
        using (await gate.EnterAsync(context.RequestAborted))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            var extensions = await db.Extensions.AsNoTracking().Where(e => numbers.Contains(e.Number))
                .Select(e => new { e.Id, e.Number }).ToListAsync(CancellationToken.None);
            if (extensions.Count != numbers.Count)
            {
                throw UapiError.ExtensionInvalid.Exception();
            }
            var extensionIds = extensions.Select(e => e.Id).ToList();
            var hooks = await db.PhoneCallEvents.AsNoTracking()
                .Where(p => extensionIds.Contains(p.ExtensionId) && p.Status == 1)
                .OrderBy(p => p.Id)
                .Select(p => new { p.Id, p.ExtensionId, p.Type }).ToListAsync(CancellationToken.None);
            var byNumber = extensions.ToDictionary(e => e.Number, e => e.Id);

            var createdAt = now.ToUnixTimeMilliseconds();
            var deliveries = new List<Delivery>();
            foreach (var report in ordered)
            {
                var type = CallEventKinds.EventType(report.Kind);
                var payload = report.Payload();
                foreach (var hook in hooks.Where(h => h.ExtensionId == byNumber[report.Extension] && h.Type == type))
                {
                    deliveries.Add(new Delivery
                    {
                        Id = ObjectIds.NewId(24),
                        EventId = hook.Id,
                        CallId = report.CallId,
                        Kind = report.Kind,
                        Payload = payload,
                        State = DeliveryState.Pending,
                        DueAt = createdAt,
                        CreatedAt = createdAt,
                    });
                }
            }
            // One by one so that Seq (the order key) follows the list order on every provider.
            foreach (var delivery in deliveries)
            {
                db.Deliveries.Add(delivery);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            queued = deliveries.Count;
        }
        if (queued > 0)
        {
            signal.Wake();
        }
        return TypedResults.Accepted((string?)null, new Accepted(reports.Count, queued));
    }
}
