using System.Data.Common;
using System.Text;
using CallEvents.Accounts;
using CallEvents.Dispatch.Queue;
using CallEvents.Observability;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Intake;

/// <summary>
/// <c>POST /pbx/callEvents</c> (contract §9): the PBX reports call events; every resulting
/// delivery is committed in one transaction before the 202, so an acknowledged report survives
/// a crash. A bad event rejects the whole report and nothing is queued.
/// </summary>
public static class CallEventIntake
{
    public sealed record IntakeAccepted(int Events, int Deliveries);

    public static async Task<Accepted<IntakeAccepted>> HandleAsync(
        HttpContext context, CallEventsDb db, WriteGate gate, DeliverySignal signal, IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        using var activity = IntakeTelemetry.Start();
        if (!ExtensionScope.IsGlobal(context.Caller()))
        {
            throw UapiError.PceAccessDenied.Exception();
        }
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var reports = CallEventReport.ParseBody(body.RootElement, options.Value.MaxEventsPerReport);

        var queued = await QueueReportsAsync(reports, db, gate, signal, clock, context.RequestAborted);
        IntakeTelemetry.Accepted(activity, reports, queued);
        return TypedResults.Accepted((string?)null, new IntakeAccepted(reports.Count, queued));
    }

    /// <summary>
    /// Queues the deliveries of validated reports in one transaction and wakes the sender; how
    /// many. The intake's path for every source of reports: the PBX above, and the console's test
    /// call (Web/Console), which checks first that the person may manage the extension.
    /// </summary>
    public static async Task<int> QueueReportsAsync(List<CallEventReport> reports, CallEventsDb db, WriteGate gate, DeliverySignal signal,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Per event and call, deliveries go out in intake order: order the report by when things happened.
        var ordered = reports.Select((r, i) => (Report: r, Index: i))
            .OrderBy(x => x.Report.OccurredAt ?? now).ThenBy(x => x.Index).Select(x => x.Report).ToList();
        var numbers = ordered.Select(r => r.Extension).Distinct().ToList();

        (int Count, HashSet<string> Tenants) queued;
        using (await gate.EnterAsync(cancellationToken))
        {
            // On PostgreSQL a PhoneCallEvent deleted between the read and the insert fails the
            // insert's foreign key; the whole intake is then simply done again without it.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    queued = await QueueAsync(db, ordered, numbers, now.ToUnixTimeMilliseconds());
                    break;
                }
                catch (Exception e) when (attempt < 3 && e is DbException or DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
        if (queued.Count > 0)
        {
            signal.Queued(queued.Tenants);
        }
        return queued.Count;
    }

    /// <summary>Queues the deliveries in one transaction; how many, and for which tenants (organization ids).</summary>
    private static async Task<(int Count, HashSet<string> Tenants)> QueueAsync(CallEventsDb db, List<CallEventReport> ordered, List<string> numbers, long now)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var extensions = await db.Extensions.AsNoTracking().Where(e => numbers.Contains(e.Number))
            .Select(e => new { e.Id, e.Number, e.OrganizationId }).ToListAsync(CancellationToken.None);
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
        var tenantOf = extensions.ToDictionary(e => e.Id, e => e.OrganizationId);

        var rows = new List<Delivery>();
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in ordered)
        {
            var type = CallEventKinds.EventType(report.Kind);
            var payload = report.Payload();
            foreach (var hook in hooks.Where(h => h.ExtensionId == byNumber[report.Extension] && h.Type == type))
            {
                tenants.Add(tenantOf[hook.ExtensionId]);
                rows.Add(new Delivery
                {
                    Id = DeliveryId.New(now),
                    EventId = hook.Id,
                    CallId = report.CallId,
                    Kind = report.Kind,
                    Payload = payload,
                    State = DeliveryState.Pending,
                    DueAt = now,
                    CreatedAt = now,
                });
            }
        }
        var queued = await InsertAsync(db, rows);
        await transaction.CommitAsync(CancellationToken.None);
        return (queued, tenants);
    }

    /// <summary>
    /// Multi-row INSERTs: both providers number the rows of one <c>INSERT … VALUES</c> in the order
    /// of its list, so Seq (the order key) follows the report's order. (EF Core's change tracker
    /// gave no order guarantee, and one SaveChanges per row re-scanned every tracked row each
    /// time: the profile of a 100-event report showed most of the server's CPU in DetectChanges.)
    /// </summary>
    private static async Task<int> InsertAsync(CallEventsDb db, List<Delivery> rows)
    {
        await ChunkedCommands.ExecuteAsync(db, rows, postgresRows: 50, NewInsert, static (parameters, i, row) =>
        {
            parameters[5 * i].Value = row.Id;
            parameters[5 * i + 1].Value = row.EventId;
            parameters[5 * i + 2].Value = row.CallId;
            parameters[5 * i + 3].Value = row.Kind;
            parameters[5 * i + 4].Value = row.Payload;
            // @now, the last parameter: every row of an intake is due, and created, at the same time.
            parameters[^1].Value = row.DueAt;
        }, CancellationToken.None);
        return rows.Count;
    }

    /// <summary>The INSERT of <paramref name="count"/> rows: five parameters per row (id, event, call, kind, payload), then <c>@now</c>.</summary>
    private static DbCommand NewInsert(CallEventsDb db, int count)
    {
        var command = db.NewCommand();
        var sql = new StringBuilder("INSERT INTO deliveries (id, event_id, call_id, kind, payload, state, due_at, created_at, attempts, run_attempts) VALUES ");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append($"(@i{i}, @e{i}, @c{i}, @k{i}, @p{i}, 0, @now, @now, 0, 0)");
            command.AddParameter($"@i{i}", null);
            command.AddParameter($"@e{i}", null);
            command.AddParameter($"@c{i}", null);
            command.AddParameter($"@k{i}", null);
            command.AddParameter($"@p{i}", null);
        }
        // Named with their prefix: SQLite then looks each name up once, not once per prefix.
        command.AddParameter("@now", null);
        command.CommandText = sql.ToString();
        return command;
    }
}
