using CallEvents.Dispatch.Queue;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Dispatch.Attempts;

/// <summary>
/// Writes what an attempt came to: the log entry and the queue row's next state, in one
/// transaction; and, when an event has failed without a success for the configured window,
/// disables it with the reason in the same entry.
/// </summary>
public static class DeliveryRecorder
{
    public static async Task RecordAsync(CallEventsDb db, DeliveryPipeline.Claimed delivery, AttemptResult result, DeliveryOptions options,
        long attemptedAt, long latencyMs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempts + 1;
        var runAttempts = delivery.RunAttempts + 1;
        var nowMs = now.ToUnixTimeMilliseconds();
        var (outcome, state, dueAt) = Plan(delivery, result, options, nowMs);
        var error = result.Error;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Fenced by the claim's lease: if this attempt outlived its lease (a pause, a slow
        // database) and the delivery was claimed again meanwhile, by another node or by this one,
        // the newer holder owns the row. Without the fence, this late result would overwrite
        // theirs, e.g. turn their success back into a pending retry and send it once more.
        var fenced = delivery.Lease is not null;
        var (leaseOwner, leasedUntil) = delivery.Lease ?? default;
        var updated = await db.Deliveries.Where(d => d.Seq == delivery.Seq && d.State == DeliveryState.Pending
                && (!fenced || (d.LeaseOwner == leaseOwner && d.LeasedUntil == leasedUntil)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.Attempts, attempt)
                .SetProperty(d => d.RunAttempts, runAttempts)
                .SetProperty(d => d.DueAt, dueAt)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeasedUntil, (long?)null)
                .SetProperty(d => d.FinishedAt, state == DeliveryState.Pending ? null : nowMs), cancellationToken);
        if (updated == 0)
        {
            if (!await db.Deliveries.AnyAsync(d => d.Seq == delivery.Seq, cancellationToken))
            {
                return; // the PhoneCallEvent was deleted meanwhile, and its deliveries with it
            }
            // The lease was lost: the attempt still happened (the receiver saw it), so it is logged,
            // but the row's state and the auto-disable decision belong to the lease's holder.
            AddAttempt(db, delivery, attempt, attemptedAt, result, error, latencyMs, outcome);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }
        if (!result.Succeeded)
        {
            error = await DisableIfFailingAsync(db, delivery.EventId, error, attemptedAt, now, options, cancellationToken);
        }
        AddAttempt(db, delivery, attempt, attemptedAt, result, error, latencyMs, outcome);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

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

    /// <summary>
    /// After a failure whose row this attempt still held: disables the event when its failures
    /// span the window, and returns the attempt's error with the reason appended when it did.
    /// </summary>
    internal static async Task<string?> DisableIfFailingAsync(CallEventsDb db, string eventId, string? error, long attemptedAt, DateTimeOffset now,
        DeliveryOptions options, CancellationToken cancellationToken)
    {
        if (!await ShouldDisableAsync(db, eventId, attemptedAt, now.ToUnixTimeMilliseconds(), options.AutoDisableAfter, cancellationToken))
        {
            return error;
        }
        var disabled = await db.PhoneCallEvents.Where(p => p.Id == eventId && p.Status == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, 0).SetProperty(p => p.Modified, PhoneCallEvent.FormatModified(now)), cancellationToken);
        return disabled > 0
            ? $"{error} The phone call event was disabled (status 0): its deliveries failed for {options.AutoDisableAfter} without a success."
            : error;
    }

    private static void AddAttempt(CallEventsDb db, DeliveryPipeline.Claimed delivery, int attempt, long attemptedAt, AttemptResult result, string? error,
        long latencyMs, AttemptOutcome outcome) =>
        db.DeliveryAttempts.Add(NewAttempt(delivery, attempt, attemptedAt, result, error, latencyMs, outcome));

    internal static DeliveryAttempt NewAttempt(DeliveryPipeline.Claimed delivery, int attempt, long attemptedAt, AttemptResult result, string? error,
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

    /// <summary>Whether the event's failures, counted from its last success (or its first failure), span the window.</summary>
    private static async Task<bool> ShouldDisableAsync(CallEventsDb db, string eventId, long attemptedAt, long now, TimeSpan window, CancellationToken cancellationToken)
    {
        var lastSuccess = await db.DeliveryAttempts.Where(a => a.EventId == eventId && a.Outcome == AttemptOutcome.Succeeded)
            .MaxAsync(a => (long?)a.AttemptedAt, cancellationToken) ?? long.MinValue;
        var firstFailure = await db.DeliveryAttempts
            .Where(a => a.EventId == eventId && a.AttemptedAt > lastSuccess && (a.Outcome == AttemptOutcome.Retrying || a.Outcome == AttemptOutcome.Failed))
            .MinAsync(a => (long?)a.AttemptedAt, cancellationToken) ?? attemptedAt;
        return now - Math.Min(firstFailure, attemptedAt) >= (long)window.TotalMilliseconds;
    }
}
