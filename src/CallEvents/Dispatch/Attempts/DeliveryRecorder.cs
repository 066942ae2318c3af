using System.Data;
using System.Globalization;
using System.Text;
using CallEvents.Dispatch.Queue;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage.Sql;

namespace CallEvents.Dispatch.Attempts;

/// <summary>
/// Writes what attempts came to: each one's log entry and its queue row's next state, all of a
/// batch in one transaction (a single attempt is a batch of one), and, when an event has failed
/// without a success for the configured window, disables it with the reason in the same entry.
/// The rules, item by item and in order: the update is fenced by the claim's lease, a result
/// whose lease was lost is only logged, a deleted delivery is skipped, and the auto-disable
/// decision of a failure sees the log entries written before it.
///
/// Why one fenced <c>UPDATE … FROM (VALUES …)</c> for every row and one multi-row <c>INSERT</c>
/// into the log: the profile of the drain showed one write transaction per attempt (each behind
/// SQLite's one write gate, each a WAL flush on PostgreSQL) as a limit; a round's results now
/// share one.
/// </summary>
public static class DeliveryRecorder
{
    /// <summary>At most this many results per transaction.</summary>
    public const int MaxBatch = 256;

    /// <summary>At most this many rows per statement on PostgreSQL (SQLite: <see cref="ChunkedCommands.SqliteRows"/>).</summary>
    private const int PostgresRowsPerStatement = 32;

    private sealed record Planned(DeliveryPipeline.Finished Finished, int Attempt, int RunAttempts, AttemptOutcome Outcome, DeliveryState State, long DueAt, long? FinishedAt);

    /// <summary>Runs in a unit of work (<see cref="WriteBatches.RunUnitAsync{T}"/>): the batch is written whole or not at all.</summary>
    public static async Task RecordAsync(PreparedSql.Lease lease, IReadOnlyList<DeliveryPipeline.Finished> batch, DeliveryOptions options, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var planned = new List<Planned>(batch.Count);
        foreach (var finished in batch)
        {
            var (outcome, state, dueAt) = Plan(finished.Delivery, finished.Result, options, nowMs);
            planned.Add(new Planned(finished, finished.Delivery.Attempts + 1, finished.Delivery.RunAttempts + 1, outcome, state, dueAt,
                state == DeliveryState.Pending ? null : nowMs));
        }

        var updated = await UpdateRowsAsync(lease, planned);
        var log = new List<DeliveryAttempt>(planned.Count);
        foreach (var p in planned)
        {
            var delivery = p.Finished.Delivery;
            var result = p.Finished.Result;
            var error = result.Error;
            if (!updated.Contains(delivery.Seq))
            {
                // The lease was lost: the attempt still happened (the receiver saw it), so it is
                // logged, but the row's state and the auto-disable decision belong to the lease's
                // holder. Or the PhoneCallEvent was deleted meanwhile with its deliveries: nothing to log to.
                if (await lease.Command(ExistsSql, delivery.Seq).ExecuteScalarAsync() is null)
                {
                    continue;
                }
            }
            else if (!result.Succeeded)
            {
                // The decision reads the log: what this batch logged before must be in it.
                await InsertAttemptsAsync(lease, log);
                log.Clear();
                error = await DisableIfFailingAsync(lease, delivery.EventId, error, p.Finished.AttemptedAt, now, options);
            }
            log.Add(NewAttempt(delivery, p.Attempt, p.Finished.AttemptedAt, result, error, p.Finished.LatencyMs, p.Outcome));
        }
        await InsertAttemptsAsync(lease, log);
    }

    /// <summary>Whether the delivery's row is still there (deleting its PhoneCallEvent deletes it).</summary>
    internal const string ExistsSql = "SELECT 1 FROM deliveries WHERE seq = @p0";

    /// <summary>What an attempt's result makes of the row: the log's outcome, the row's next state and when it is due.</summary>
    internal static (AttemptOutcome Outcome, DeliveryState State, long DueAt) Plan(DeliveryPipeline.Claimed delivery, AttemptResult result, DeliveryOptions options, long nowMs)
    {
        var delay = result.Succeeded || !result.Retryable ? null : RetryPolicy.NextDelay(options, delivery.RunAttempts + 1, result.RetryAfter);
        var outcome = result.Succeeded ? AttemptOutcome.Succeeded : delay is null ? AttemptOutcome.Failed : AttemptOutcome.Retrying;
        var state = outcome switch
        {
            AttemptOutcome.Succeeded => DeliveryState.Succeeded,
            AttemptOutcome.Failed => DeliveryState.Failed,
            _ => DeliveryState.Pending,
        };
        return (outcome, state, delay is null ? nowMs : nowMs + (long)delay.Value.TotalMilliseconds);
    }

    private static async Task<HashSet<long>> UpdateRowsAsync(PreparedSql.Lease lease, List<Planned> planned)
    {
        var updated = new HashSet<long>();
        // In queue order, the order in which a claim takes rows: a batch of results arrives in the
        // order the requests finished, and on PostgreSQL a transaction that locks rows in one
        // order while another takes them in another can deadlock (the bench's drain logged
        // "40P01: deadlock detected" here, and the batch was then written one result at a time).
        var ordered = planned.OrderBy(p => p.Finished.Delivery.Seq).ToList();
        await ChunkedCommands.ExecuteAsync(lease, ordered, PostgresRowsPerStatement, Update, static (parameters, i, p) =>
        {
            var claim = p.Finished.Delivery.Lease;
            parameters[8 * i].Value = p.Finished.Delivery.Seq;
            parameters[8 * i + 1].Value = (object?)claim?.Owner ?? DBNull.Value;
            parameters[8 * i + 2].Value = (object?)claim?.Until ?? DBNull.Value;
            parameters[8 * i + 3].Value = (int)p.State;
            parameters[8 * i + 4].Value = p.Attempt;
            parameters[8 * i + 5].Value = p.RunAttempts;
            parameters[8 * i + 6].Value = p.DueAt;
            parameters[8 * i + 7].Value = (object?)p.FinishedAt ?? DBNull.Value;
        }, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                updated.Add(reader.GetInt64(0));
            }
        });
        return updated;
    }

    /// <summary>The fenced update of n rows: eight typed parameters per row, in the order of r's columns.</summary>
    private static readonly ChunkedCommands.Shape Update = new(PostgresRowsPerStatement, static count =>
    {
        var sql = new StringBuilder("WITH r(seq, owner, until, state, attempts, run_attempts, due_at, finished_at) AS (VALUES ");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @o{i}, @u{i}, @st{i}, @a{i}, @r{i}, @d{i}, @f{i})");
        }
        // Fenced by each claim's lease (owner, until): if an attempt outlived its lease (a pause, a
        // slow database) and the delivery was claimed again meanwhile, by another node or by this
        // one, the newer holder owns the row. Without the fence, this late result would overwrite
        // theirs, e.g. turn their success back into a pending retry and send it once more.
        // No lease = not fenced.
        sql.Append(") UPDATE deliveries SET state = r.state, attempts = r.attempts, run_attempts = r.run_attempts, due_at = r.due_at,"
            + " lease_owner = NULL, leased_until = NULL, finished_at = r.finished_at"
            + " FROM r WHERE deliveries.seq = r.seq AND deliveries.state = 0"
            + " AND (r.owner IS NULL OR (deliveries.lease_owner = r.owner AND deliveries.leased_until = r.until))"
            + " RETURNING deliveries.seq");
        return sql.ToString();
    }, static (command, count) =>
    {
        for (var i = 0; i < count; i++)
        {
            command.AddParameter($"@s{i}", DbType.Int64, null);
            command.AddParameter($"@o{i}", DbType.String, null);
            command.AddParameter($"@u{i}", DbType.Int64, null);
            command.AddParameter($"@st{i}", DbType.Int32, null);
            command.AddParameter($"@a{i}", DbType.Int32, null);
            command.AddParameter($"@r{i}", DbType.Int32, null);
            command.AddParameter($"@d{i}", DbType.Int64, null);
            command.AddParameter($"@f{i}", DbType.Int64, null);
        }
    });

    /// <summary>
    /// After a failure whose row this attempt still held: disables the event when its failures
    /// span the window, and returns the attempt's error with the reason appended when it did.
    /// </summary>
    private static async Task<string?> DisableIfFailingAsync(PreparedSql.Lease lease, string eventId, string? error, long attemptedAt, DateTimeOffset now,
        DeliveryOptions options)
    {
        if (!await ShouldDisableAsync(lease, eventId, attemptedAt, now.ToUnixTimeMilliseconds(), options.AutoDisableAfter))
        {
            return error;
        }
        var disabled = await lease.Command(DisableSql, eventId, PhoneCallEvent.FormatModified(now)).ExecuteNonQueryAsync();
        return disabled > 0
            ? $"{error} The phone call event was disabled (status 0): its deliveries failed for {options.AutoDisableAfter} without a success."
            : error;
    }

    internal const string DisableSql = "UPDATE phone_call_events SET status = 0, modified = @p1 WHERE id = @p0 AND status = 1";

    /// <summary>
    /// The event's first failure since its last success (of all failures when it never had one),
    /// NULL when there is none: both read from the log's (event_id, attempted_at) index.
    /// </summary>
    internal static readonly string FirstFailureSql = "SELECT MIN(attempted_at) FROM delivery_attempts"
        + " WHERE event_id = @p0 AND outcome IN (" + (int)AttemptOutcome.Retrying + ", " + (int)AttemptOutcome.Failed + ")"
        + " AND attempted_at > COALESCE((SELECT MAX(s.attempted_at) FROM delivery_attempts s"
        + "   WHERE s.event_id = @p0 AND s.outcome = " + (int)AttemptOutcome.Succeeded + "), @p1)";

    /// <summary>Whether the event's failures, counted from its last success (or its first failure), span the window.</summary>
    private static async Task<bool> ShouldDisableAsync(PreparedSql.Lease lease, string eventId, long attemptedAt, long now, TimeSpan window)
    {
        var first = await lease.Command(FirstFailureSql, eventId, long.MinValue).ExecuteScalarAsync();
        var firstFailure = first is null or DBNull ? attemptedAt : Convert.ToInt64(first, CultureInfo.InvariantCulture);
        return now - Math.Min(firstFailure, attemptedAt) >= (long)window.TotalMilliseconds;
    }

    private static DeliveryAttempt NewAttempt(DeliveryPipeline.Claimed delivery, int attempt, long attemptedAt, AttemptResult result, string? error,
        long latencyMs, AttemptOutcome outcome) =>
        new()
        {
            DeliverySeq = delivery.Seq,
            EventId = delivery.EventId,
            Attempt = attempt,
            AttemptedAt = attemptedAt,
            HttpStatus = result.HttpStatus,
            Error = error is { Length: > 512 } ? error[..512] : error,
            LatencyMs = latencyMs,
            Outcome = outcome,
        };

    /// <summary>Writes log entries in the unit's transaction (the recorder's, the sweep of disabled events').</summary>
    internal static Task InsertAttemptsAsync(PreparedSql.Lease lease, List<DeliveryAttempt> log) =>
        ChunkedCommands.ExecuteAsync(lease, log, PostgresRowsPerStatement, Insert, static (parameters, i, a) =>
        {
            parameters[8 * i].Value = a.DeliverySeq;
            parameters[8 * i + 1].Value = a.EventId;
            parameters[8 * i + 2].Value = a.Attempt;
            parameters[8 * i + 3].Value = a.AttemptedAt;
            parameters[8 * i + 4].Value = (object?)a.HttpStatus ?? DBNull.Value;
            parameters[8 * i + 5].Value = (object?)a.Error ?? DBNull.Value;
            parameters[8 * i + 6].Value = a.LatencyMs;
            parameters[8 * i + 7].Value = (int)a.Outcome;
        });

    /// <summary>The log's INSERT of n rows: eight typed parameters per row.</summary>
    private static readonly ChunkedCommands.Shape Insert = new(PostgresRowsPerStatement, static count =>
    {
        var sql = new StringBuilder("INSERT INTO delivery_attempts (delivery_seq, event_id, attempt, attempted_at, http_status, error, latency_ms, outcome) VALUES ");
        for (var i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@s{i}, @e{i}, @a{i}, @t{i}, @h{i}, @x{i}, @l{i}, @o{i})");
        }
        return sql.ToString();
    }, static (command, count) =>
    {
        for (var i = 0; i < count; i++)
        {
            command.AddParameter($"@s{i}", DbType.Int64, null);
            command.AddParameter($"@e{i}", DbType.String, null);
            command.AddParameter($"@a{i}", DbType.Int32, null);
            command.AddParameter($"@t{i}", DbType.Int64, null);
            command.AddParameter($"@h{i}", DbType.Int32, null);
            command.AddParameter($"@x{i}", DbType.String, null);
            command.AddParameter($"@l{i}", DbType.Int64, null);
            command.AddParameter($"@o{i}", DbType.Int32, null);
        }
    });
}
