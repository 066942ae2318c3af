using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Dispatch;

/// <summary>
/// Writes what an attempt came to: the log entry and the queue row's next state, in one
/// transaction; and, when an event has failed without a success for the configured window,
/// disables it with the reason in the same entry.
/// </summary>
public static class DeliveryRecorder
{
    public static async Task RecordAsync(CallEventsDb db, ClaimedDelivery delivery, AttemptResult result, DeliveryOptions options,
        long attemptedAt, long latencyMs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var attempt = delivery.Attempts + 1;
        var runAttempts = delivery.RunAttempts + 1;
        var nowMs = now.ToUnixTimeMilliseconds();
        var delay = result.Succeeded || !result.Retryable ? null : RetryPolicy.NextDelay(options, runAttempts, result.RetryAfter);
        var outcome = result.Succeeded ? AttemptOutcome.Succeeded : delay is null ? AttemptOutcome.Failed : AttemptOutcome.Retrying;
        var state = outcome switch
        {
            AttemptOutcome.Succeeded => DeliveryState.Succeeded,
            AttemptOutcome.Failed => DeliveryState.Failed,
            _ => DeliveryState.Pending,
        };
        var error = result.Error;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Deliveries.Where(d => d.Seq == delivery.Seq)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.Attempts, attempt)
                .SetProperty(d => d.RunAttempts, runAttempts)
                .SetProperty(d => d.DueAt, delay is null ? nowMs : nowMs + (long)delay.Value.TotalMilliseconds)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeasedUntil, (long?)null)
                .SetProperty(d => d.FinishedAt, state == DeliveryState.Pending ? null : nowMs), cancellationToken);
        if (updated == 0)
        {
            return; // the PhoneCallEvent was deleted meanwhile, and its deliveries with it
        }
        if (!result.Succeeded && await ShouldDisableAsync(db, delivery.EventId, attemptedAt, nowMs, options.AutoDisableAfter, cancellationToken))
        {
            var disabled = await db.PhoneCallEvents.Where(p => p.Id == delivery.EventId && p.Status == 1)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, 0).SetProperty(p => p.Modified, PhoneCallEvent.FormatModified(now)), cancellationToken);
            if (disabled > 0)
            {
                error = $"{error} The phone call event was disabled (status 0): its deliveries failed for {options.AutoDisableAfter} without a success.";
            }
        }
        db.DeliveryAttempts.Add(new DeliveryAttempt
        {
            DeliverySeq = delivery.Seq,
            EventId = delivery.EventId,
            Attempt = attempt,
            AttemptedAt = attemptedAt,
            HttpStatus = result.HttpStatus,
            Error = error is { Length: > 512 } ? error[..512] : error,
            LatencyMs = latencyMs,
            Outcome = outcome,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

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
