using System.Text.Json.Serialization;

namespace CallEvents.OAuth.Tokens;

/// <summary>A successful token answer (RFC 6749 §5.1), for the API reference; OpenIddict writes it.</summary>
public sealed record TokenAnswer(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);
