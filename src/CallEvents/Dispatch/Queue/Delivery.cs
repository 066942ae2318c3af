namespace CallEvents.Dispatch.Queue;

/// <summary>
/// One HTTP request owed to one PhoneCallEvent for one reported call event: the queue row.
/// The database is the queue: the sender claims due rows with a lease (see DeliveryQueue).
/// Times are Unix milliseconds so that hand-written SQL compares them the same way on every provider.
/// </summary>
public sealed class Delivery
{
    /// <summary>Intake order; per PhoneCallEvent and call, deliveries go out in this order.</summary>
    public long Seq { get; set; }

    /// <summary>Public id (24 characters [A-Za-z0-9]); <c>webhook-id</c> is <c>msg_</c> + this, the same on every retry.</summary>
    public required string Id { get; set; }

    public required string EventId { get; set; }
    public required string CallId { get; set; }

    /// <summary>dial-in, dial-out, answer-in, answer-out or hangup.</summary>
    public required string Kind { get; set; }

    /// <summary>The nine parameters, application/x-www-form-urlencoded, exactly as they go out.</summary>
    public required string Payload { get; set; }

    public DeliveryState State { get; set; }
    public long DueAt { get; set; }
    public long? LeasedUntil { get; set; }
    public string? LeaseOwner { get; set; }

    /// <summary>Attempts ever made (numbers the log entries).</summary>
    public int Attempts { get; set; }

    /// <summary>Attempts since it was queued or replayed: the position in the retry schedule.</summary>
    public int RunAttempts { get; set; }

    public long CreatedAt { get; set; }
    public long? FinishedAt { get; set; }
}
