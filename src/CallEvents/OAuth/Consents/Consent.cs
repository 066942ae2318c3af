namespace CallEvents.OAuth.Consents;

/// <summary>One account's consent to one app: what <c>consents list</c> and the console show.</summary>
public sealed record Consent(string ClientId, string AppName, DateTimeOffset? GrantedAt);
