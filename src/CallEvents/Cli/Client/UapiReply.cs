using System.Text.Json;

namespace CallEvents.Cli.Client;

/// <summary>An answer of the server, as received: <c>--json</c> prints <see cref="Body"/> unchanged.</summary>
public sealed record UapiReply(int Status, string Body, string? MediaType, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The body as JSON; an empty body (204) is null.</summary>
    public JsonElement? Json()
    {
        if (string.IsNullOrWhiteSpace(Body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The UAPI error envelope's code and message, when the body is one.</summary>
    public (string Code, string Message)? UapiError() =>
        Json() is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            ? (code.GetString()!, error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()! : "")
            : null;

    /// <summary>The OAuth 2.0 (RFC 6749) error of the token endpoint: <c>{"error":"…","error_description":"…"}</c>.</summary>
    public (string Error, string Description)? OAuthError() =>
        Json() is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
            ? (error.GetString()!, root.TryGetProperty("error_description", out var description) && description.ValueKind == JsonValueKind.String ? description.GetString()! : "")
            : null;
}
