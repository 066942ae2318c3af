using System.Text.Json.Serialization;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// A token endpoint error (RFC 6749 §5.2), for the API reference; OpenIddict writes it. The
/// codes the endpoint answers, with their statuses, are <see cref="Answered"/>.
/// </summary>
public sealed record TokenError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription,
    [property: JsonPropertyName("error_uri")] string? ErrorUri)
{
    public static readonly (int Status, string Error, string When)[] Answered =
    [
        (400, "invalid_request", "grant_type, client_id or client_secret is missing or empty, or the body is not a form."),
        (400, "unsupported_grant_type", "A grant other than client_credentials."),
        (400, "unauthorized_client", "The app is not trusted, so it may not use client_credentials."),
        (401, "invalid_client", "Unknown client_id, or a wrong client_secret."),
        (429, "slow_down", "Too many failed client authentications for this client_id from this address, or from this address (RateLimiting:FailedClientAuthenticationsPerClient, RateLimiting:FailedAuthenticationsPerAddress); retry after Retry-After."),
    ];
}
