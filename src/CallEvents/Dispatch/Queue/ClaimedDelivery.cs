namespace CallEvents.Dispatch.Queue;

/// <summary>A delivery the sender holds a lease on.</summary>
public sealed record ClaimedDelivery(long Seq, string Id, string EventId, string CallId, string Kind, string Payload, int Attempts, int RunAttempts)
{
    /// <summary>
    /// The lease this claim stamped (owner, until): the pair is this claim's fencing token. Once
    /// the lease has run out, another node, or this one again, may claim the row and stamp a new
    /// one; the old holder's late result must then not overwrite the row.
    /// </summary>
    public (string Owner, long Until)? Lease { get; init; }
}
