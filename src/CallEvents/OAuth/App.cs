namespace CallEvents.OAuth;

/// <summary>
/// An integration registered to one Admin, Organization or User account. The OAuth client itself
/// (client id, hashed secret, permissions) lives in OpenIddict's application store; this row ties
/// it to the account the app acts as.
/// </summary>
public sealed class App
{
    public required string ClientId { get; set; }
    public required string AccountId { get; set; }
    public required string Name { get; set; }
    public bool Trusted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
