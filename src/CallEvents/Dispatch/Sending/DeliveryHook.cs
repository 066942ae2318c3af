namespace CallEvents.Dispatch.Sending;

/// <summary>The PhoneCallEvent a delivery goes to, as read after its claim; <c>Tenant</c> is its extension's organization (the sender's fair share is per tenant).</summary>
public sealed record DeliveryHook(string Id, int Method, string Url, int Status, string? AppClientId, string Tenant);
