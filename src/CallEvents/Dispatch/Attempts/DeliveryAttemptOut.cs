namespace CallEvents.Dispatch.Attempts;

/// <summary>An entry of the delivery log, exactly the fields of contract §9 (numbers as strings, as everywhere in UAPI).</summary>
public sealed record DeliveryAttemptOut(
    string Id, string CallId, string Event, string Attempt, string AttemptedAt, string? HttpStatus, string? Error, string LatencyMs, string Outcome);
