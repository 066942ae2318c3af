using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CallEvents.Accounts;
using CallEvents.Dispatch.Queue;
using CallEvents.Observability;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;
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
        HttpContext context, WriteBatches writes, DeliverySignal signal, IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        using var activity = IntakeTelemetry.Start();
        if (!ExtensionScope.IsGlobal(context.Caller()))
        {
            throw UapiError.PceAccessDenied.Exception();
        }
        using var body = await UapiBody.ReadJsonAsync(context.Request, context.RequestAborted);
        var reports = CallEventReport.ParseBody(body.RootElement, options.Value.MaxEventsPerReport);

        var queued = await QueueReportsAsync(reports, writes, signal, clock);
        IntakeTelemetry.Accepted(activity, reports, queued);
        return TypedResults.Accepted((string?)null, new IntakeAccepted(reports.Count, queued));
    }

    /// <summary>
    /// Queues the deliveries of validated reports in one transaction and wakes the sender; how
    /// many. The intake's path for every source of reports: the PBX above, and the console's test
    /// call (Web/Console), which checks first that the person may manage the extension. Once
    /// started it runs to completion (<see cref="WriteBatches"/>): the client may go, the report
    /// is queued whole or not at all.
    /// </summary>
    public static async Task<int> QueueReportsAsync(List<CallEventReport> reports, WriteBatches writes, DeliverySignal signal, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        // Per event and call, deliveries go out in intake order: order the report by when things happened.
        var ordered = reports.Select((r, i) => (Report: r, Index: i))
            .OrderBy(x => x.Report.OccurredAt ?? now).ThenBy(x => x.Index).Select(x => x.Report).ToList();
        var numbers = ordered.Select(r => r.Extension).Distinct().ToList();

        (int Count, HashSet<string> Tenants) queued;
        // On PostgreSQL a PhoneCallEvent deleted between the read and the insert fails the
        // insert's foreign key; the whole intake is then simply done again without it. (On SQLite
        // the read and the insert are one turn of the one writer: nothing comes in between.)
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                queued = await writes.RunUnitAsync(lease => QueueAsync(lease, ordered, numbers, now.ToUnixTimeMilliseconds()));
                break;
            }
            catch (DbException) when (attempt < 3)
            {
            }
        }
        if (queued.Count > 0)
        {
            signal.Queued(queued.Tenants);
        }
        return queued.Count;
    }

    /// <summary>
    /// The extensions reported on, by number, each with its enabled hooks in id order (none: one
    /// row with no hook). The numbers are one JSON array parameter, so the text is the same for
    /// every report (and stays prepared).
    /// </summary>
    internal static string HooksSql(bool postgres) =>
        "SELECT x.id, x.number, x.organization_id, p.id, p.type FROM extensions x"
        + " LEFT JOIN phone_call_events p ON p.extension_id = x.id AND p.status = 1"
        + (postgres
            ? " WHERE x.number IN (SELECT value FROM json_array_elements_text(@p0::json))"
            : " WHERE x.number IN (SELECT value FROM json_each(@p0))")
        + " ORDER BY p.id";

    /// <summary>Queues the deliveries in the unit's transaction; how many, and for which tenants (organization ids).</summary>
    private static async Task<(int Count, HashSet<string> Tenants)> QueueAsync(PreparedSql.Lease lease, List<CallEventReport> ordered, List<string> numbers, long now)
    {
        var extensions = new Dictionary<string, (long Id, string OrganizationId)>(StringComparer.Ordinal);
        var hooks = new List<(string Id, long ExtensionId, int Type)>();
        await using (var reader = await lease.Command(HooksSql(lease.IsPostgres), JsonSerializer.Serialize(numbers)).ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var extensionId = reader.GetInt64(0);
                extensions.TryAdd(reader.GetString(1), (extensionId, reader.GetString(2)));
                if (!reader.IsDBNull(3))
                {
                    hooks.Add((reader.GetString(3), extensionId, reader.GetInt32(4)));
                }
            }
        }
        if (extensions.Count != numbers.Count)
        {
            throw UapiError.ExtensionInvalid.Exception();
        }
        var tenantOf = extensions.Values.ToDictionary(e => e.Id, e => e.OrganizationId);

        var rows = new List<Delivery>();
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var report in ordered)
        {
            var type = CallEventKinds.EventType(report.Kind);
            var payload = report.Payload();
            var extensionId = extensions[report.Extension].Id;
            foreach (var hook in hooks.Where(h => h.ExtensionId == extensionId && h.Type == type))
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
        await InsertAsync(lease, rows);
        return (rows.Count, tenants);
    }

    /// <summary>
    /// Multi-row INSERTs: both providers number the rows of one <c>INSERT … VALUES</c> in the order
    /// of its list, so Seq (the order key) follows the report's order. (EF Core's change tracker
    /// gave no order guarantee, and one SaveChanges per row re-scanned every tracked row each
    /// time: the profile of a 100-event report showed most of the server's CPU in DetectChanges.)
    /// </summary>
    private static Task InsertAsync(PreparedSql.Lease lease, List<Delivery> rows) =>
        ChunkedCommands.ExecuteAsync(lease, rows, PostgresRowsPerStatement, Insert, static (parameters, i, row) =>
        {
            parameters[5 * i].Value = row.Id;
            parameters[5 * i + 1].Value = row.EventId;
            parameters[5 * i + 2].Value = row.CallId;
            parameters[5 * i + 3].Value = row.Kind;
            parameters[5 * i + 4].Value = row.Payload;
            // @now, the last parameter: every row of an intake is due, and created, at the same time.
            parameters[^1].Value = row.DueAt;
        });

    private const int PostgresRowsPerStatement = 50;

    /// <summary>The INSERT of n rows: five parameters per row (id, event, call, kind, payload), then <c>@now</c>.</summary>
    private static readonly ChunkedCommands.Shape Insert = new(PostgresRowsPerStatement, static count =>
    {
        var sql = new StringBuilder("INSERT INTO deliveries (id, event_id, call_id, kind, payload, state, due_at, created_at, attempts, run_attempts) VALUES ");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@i{i}, @e{i}, @c{i}, @k{i}, @p{i}, 0, @now, @now, 0, 0)");
        }
        return sql.ToString();
    }, static (command, count) =>
    {
        for (var i = 0; i < count; i++)
        {
            command.AddParameter($"@i{i}", null);
            command.AddParameter($"@e{i}", null);
            command.AddParameter($"@c{i}", null);
            command.AddParameter($"@k{i}", null);
            command.AddParameter($"@p{i}", null);
        }
        // Named with their prefix: SQLite then looks each name up once, not once per prefix.
        command.AddParameter("@now", null);
    });
}
