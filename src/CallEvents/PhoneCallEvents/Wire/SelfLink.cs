namespace CallEvents.PhoneCallEvents.Wire;

public sealed record SelfLink(string Self);
