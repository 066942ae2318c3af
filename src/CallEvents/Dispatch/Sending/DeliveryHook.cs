namespace CallEvents.Dispatch.Sending;

/// <summary>The PhoneCallEvent a delivery goes to, as read after its claim.</summary>
public sealed record DeliveryHook(string Id, int Method, string Url, int Status, string? AppClientId);
