using System.Data.Common;
using System.Text.Json;
using CallEvents.Dispatch.Attempts;
using CallEvents.Storage.Sql;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Dispatch.Queue;

/// <summary>
/// The database is the queue. A claim is one <c>UPDATE … RETURNING</c> that stamps a lease
/// (owner, until) on due rows nobody holds, so several nodes sharing a PostgreSQL never send
/// the same delivery at once (<c>FOR UPDATE SKIP LOCKED</c> keeps them from waiting on each
/// other); on SQLite writes are serialized by the write gate. A delivery is due only when
/// every earlier delivery of the same PhoneCallEvent and call is finished, and only while
/// its PhoneCallEvent exists (deleting it deletes its queue rows) and is enabled.
/// </summary>
public static class DeliveryQueue
{
    private const string Returning = " RETURNING seq, id, event_id, call_id, kind, payload, attempts, run_attempts";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows in due order, none of the organizations in
    /// <paramref name="fullTenants"/> (their share of this node's sender is taken: their rows
    /// would only be given back, and a long backlog of theirs would fill every claim).
    /// </summary>
    public static async Task<List<DeliveryPipeline.Claimed>> ClaimAsync(PreparedSql.Lease lease, string owner, int limit, long now, long leaseUntil,
        IReadOnlyList<string> fullTenants)
    {
        var command = lease.Command(ClaimSql(lease.IsPostgres, fullTenants.Count), command =>
        {
            command.AddParameter("@owner", null);
            command.AddParameter("@until", null);
            command.AddParameter("@now", null);
            command.AddParameter("@limit", null);
            for (var i = 0; i < fullTenants.Count; i++)
            {
                command.AddParameter(TenantParameter(i), null);
            }
        });
        var parameters = command.Parameters;
        parameters[0].Value = owner;
        parameters[1].Value = leaseUntil;
        parameters[2].Value = now;
        parameters[3].Value = limit;
        for (var i = 0; i < fullTenants.Count; i++)
        {
            parameters[4 + i].Value = fullTenants[i];
        }
        var claims = await ReadClaimsAsync(command);
        return claims.ConvertAll(c => c with { Lease = (owner, leaseUntil) });
    }

    /// <summary>
    /// The claim's text, one per provider and number of full tenants (so that it stays prepared).
    /// It reads the pending rows through ix_deliveries_pending, in its order (QueryPlanTests).
    /// </summary>
    internal static string ClaimSql(bool postgres, int fullTenants)
    {
        var skipLocked = postgres ? " FOR UPDATE SKIP LOCKED" : "";
        var notFull = fullTenants == 0 ? ""
            : " AND NOT EXISTS (SELECT 1 FROM extensions x WHERE x.id = e.extension_id AND x.organization_id IN ("
                + string.Join(", ", Enumerable.Range(0, fullTenants).Select(TenantParameter)) + "))";
        return "UPDATE deliveries SET lease_owner = @owner, leased_until = @until"
            + " WHERE seq IN (SELECT d.seq FROM deliveries d"
            + "   WHERE d.state = 0 AND d.due_at <= @now AND (d.leased_until IS NULL OR d.leased_until <= @now)"
            + "   AND EXISTS (SELECT 1 FROM phone_call_events e WHERE e.id = d.event_id AND e.status = 1" + notFull + ")"
            + "   AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.event_id = d.event_id AND p.call_id = d.call_id AND p.state = 0 AND p.seq < d.seq)"
            + "   ORDER BY d.due_at, d.seq LIMIT " + SqlLimit.Of("@limit") + skipLocked + ")"
            // Re-checked on the row itself: on PostgreSQL another node may have claimed it in between.
            // "+state": SQLite would otherwise find these rows through the pending index, i.e. walk
            // every pending row of the queue per claim (the cost grew with the backlog), instead
            // of looking up the claimed seqs by primary key.
            + " AND +state = 0 AND (leased_until IS NULL OR leased_until <= @now)"
            + Returning;
    }

    /// <summary>The name of the claim's parameter for the <paramref name="index"/>th full tenant.</summary>
    private static string TenantParameter(int index) => "@t" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>After a restart, the leases this node held belong to nobody: release them at once rather than wait them out.</summary>
    public static Task<int> ReleaseOwnLeasesAsync(PreparedSql.Lease lease, string owner) =>
        lease.Command("UPDATE deliveries SET lease_owner = NULL, leased_until = NULL WHERE lease_owner = @p0 AND state = 0", owner).ExecuteNonQueryAsync();

    /// <summary>
    /// The give-back's text: the seqs are one JSON array parameter, so it is the same for every
    /// give-back (and stays prepared). "+state": the rows are found by their key, never through
    /// the pending index (as the claim's re-check).
    /// </summary>
    internal static string ReleaseSql(bool postgres) =>
        "UPDATE deliveries SET lease_owner = NULL, leased_until = NULL, due_at = @p2"
        + (postgres
            ? " WHERE seq IN (SELECT value::bigint FROM json_array_elements_text(@p0::json))"
            : " WHERE seq IN (SELECT value FROM json_each(@p0))")
        + " AND lease_owner = @p1 AND +state = 0";

    /// <summary>Gives claimed deliveries back without an attempt (their destination or tenant is busy), due again at <paramref name="dueAt"/>.</summary>
    public static Task<int> ReleaseAsync(PreparedSql.Lease lease, IReadOnlyCollection<long> seqs, string owner, long dueAt) =>
        lease.Command(ReleaseSql(lease.IsPostgres), JsonSerializer.Serialize(seqs), owner, dueAt).ExecuteNonQueryAsync();

    /// <summary>Queues deliveries again, due now, with their webhook-id; a replay starts a new run of the retry schedule, and attempts keep counting.</summary>
    public static Task<int> RequeueAsync(IQueryable<Delivery> deliveries, long now) =>
        deliveries.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, DeliveryState.Pending)
            .SetProperty(d => d.DueAt, now)
            .SetProperty(d => d.RunAttempts, 0)
            .SetProperty(d => d.FinishedAt, (long?)null), CancellationToken.None);

    /// <summary>
    /// Pending deliveries of disabled PhoneCallEvents are cancelled, each with a log entry
    /// (contract §9: a disabled event is skipped). Returns how many.
    /// </summary>
    /// <summary>
    /// "+state": start from the disabled events (few, read from their partial index
    /// ix_phone_call_events_disabled) and their rows, not from every pending row. Runs every poll
    /// under the write gate, so it must never read the whole table (QueryPlanTests).
    /// </summary>
    internal const string CancelDisabledSql = "UPDATE deliveries SET state = 3, finished_at = @now, leased_until = NULL, lease_owner = NULL"
        + " WHERE +state = 0 AND (leased_until IS NULL OR leased_until <= @now)"
        + " AND event_id IN (SELECT id FROM phone_call_events WHERE status = 0)"
        + Returning;

    /// <summary>Runs in a unit of work (<see cref="WriteBatches.RunUnitAsync{T}"/>): the rows and their log entries together.</summary>
    public static async Task<int> CancelDisabledAsync(PreparedSql.Lease lease, long now)
    {
        var command = lease.Command(CancelDisabledSql, static command => command.AddParameter("@now", null));
        command.Parameters[0].Value = now;
        var cancelled = await ReadClaimsAsync(command);
        var log = cancelled.ConvertAll(delivery => new DeliveryAttempt
        {
            DeliverySeq = delivery.Seq,
            EventId = delivery.EventId,
            Attempt = delivery.Attempts,
            AttemptedAt = now,
            Error = "Not sent: the phone call event is disabled.",
            Outcome = AttemptOutcome.Cancelled,
        });
        await DeliveryRecorder.InsertAttemptsAsync(lease, log);
        return cancelled.Count;
    }

    private static async Task<List<DeliveryPipeline.Claimed>> ReadClaimsAsync(DbCommand command)
    {
        var claims = new List<DeliveryPipeline.Claimed>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                claims.Add(new DeliveryPipeline.Claimed(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
            }
        }
        // RETURNING order is unspecified: keep the queue's order.
        claims.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        return claims;
    }
}
