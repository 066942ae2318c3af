using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Sending;

namespace CallEvents.Dispatch;

/// <summary>
/// The delivery pipeline, its stages in order:
/// <list type="number">
/// <item><see cref="Queue.Delivery"/>: the queue row, one per reported call event and enabled
/// PhoneCallEvent, written by intake (<see cref="Intake.CallEventIntake"/>); pending until due.</item>
/// <item><see cref="Claimed"/>: a due row the sender's claim stamped with its lease
/// (<see cref="Queue.DeliveryQueue.ClaimAsync"/>).</item>
/// <item><see cref="Ready"/>: a claimed delivery with what sending it needs, waiting for a slot
/// (<see cref="SenderSlots"/>), then sent (<see cref="DeliverySender"/>).</item>
/// <item><see cref="Finished"/>: what the attempt came to, waiting for the next batch write
/// (<see cref="AttemptWriter"/>).</item>
/// <item><see cref="DeliveryAttempt"/>: the log entry, written with the row's next state (due
/// again for a retry, or final) by <see cref="DeliveryRecorder"/>.</item>
/// </list>
/// Until its result is written, a row stays pending and leased: nothing is claimed past it.
/// </summary>
public static class DeliveryPipeline
{
    /// <summary>A delivery the sender holds a lease on.</summary>
    public sealed record Claimed(long Seq, string Id, string EventId, string CallId, string Kind, string Payload, int Attempts, int RunAttempts)
    {
        /// <summary>
        /// The lease this claim stamped (owner, until): the pair is this claim's fencing token. Once
        /// the lease has run out, another node, or this one again, may claim the row and stamp a new
        /// one; the old holder's late result must then not overwrite the row.
        /// </summary>
        public (string Owner, long Until)? Lease { get; init; }
    }

    /// <summary>A claimed delivery with what it needs to be sent: its hook, the signing secrets, its destination (host:port).</summary>
    public sealed record Ready(Claimed Delivery, DeliveryHook Hook, IReadOnlyList<string> Secrets, string Destination);

    /// <summary>One finished attempt, waiting to be written.</summary>
    public sealed record Finished(Claimed Delivery, AttemptResult Result, long AttemptedAt, long LatencyMs);
}
