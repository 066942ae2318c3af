namespace CallEvents.Dispatch.Sending;

/// <summary>The refusal of the connect-time SSRF check: no resolved address of the host is allowed.</summary>
public sealed class DestinationRefusedException(string host)
    : Exception($"Refused destination: {host} resolves only to addresses that are not allowed.");
