namespace CallEvents.OAuth;

/// <summary>A client secret, shown once when it is made and never again.</summary>
public sealed record IssuedCredentials(string AccountId, string ClientId, string ClientSecret)
{
    /// <summary>The secret deliveries are signed with (<c>whsec_…</c>); set when the app is created.</summary>
    public string? SigningSecret { get; init; }
}
