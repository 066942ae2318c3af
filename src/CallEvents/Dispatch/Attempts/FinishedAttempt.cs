using CallEvents.Dispatch.Queue;

namespace CallEvents.Dispatch.Attempts;

/// <summary>One finished attempt, waiting to be written.</summary>
public sealed record FinishedAttempt(ClaimedDelivery Delivery, AttemptResult Result, long AttemptedAt, long LatencyMs);
