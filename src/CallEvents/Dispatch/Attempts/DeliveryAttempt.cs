namespace CallEvents.Dispatch.Attempts;

/// <summary>One entry of the delivery log (contract §9).</summary>
public sealed class DeliveryAttempt
{
    public long Seq { get; set; }
    public long DeliverySeq { get; set; }

    /// <summary>Denormalized so that the log of one PhoneCallEvent is one index range.</summary>
    public required string EventId { get; set; }

    public int Attempt { get; set; }
    public long AttemptedAt { get; set; }
    public int? HttpStatus { get; set; }
    public string? Error { get; set; }
    public long LatencyMs { get; set; }
    public AttemptOutcome Outcome { get; set; }
}
