namespace CallEvents.Dispatch.Queue;

public enum DeliveryState
{
    /// <summary>Waiting for its due time (or in flight, when leased).</summary>
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
    Cancelled = 3,
}
