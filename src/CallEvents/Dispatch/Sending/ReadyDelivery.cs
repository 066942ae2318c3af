using CallEvents.Dispatch.Queue;

namespace CallEvents.Dispatch.Sending;

/// <summary>A claimed delivery with what it needs to be sent: its hook, the signing secrets, its destination (host:port).</summary>
public sealed record ReadyDelivery(ClaimedDelivery Delivery, DeliveryHook Hook, IReadOnlyList<string> Secrets, string Destination);
