using System.Text.Json.Serialization;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// The token request's form fields, for the API reference. OpenIddict reads the form itself
/// (RFC 6749 §4.4); the client may send its credentials with HTTP Basic instead.
/// </summary>
public sealed record TokenForm(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_secret")] string ClientSecret);
