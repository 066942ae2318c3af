using System.Diagnostics.Metrics;
using OpenIddict.Server;

namespace CallEvents.Observability;

/// <summary>
/// Tokens issued and refused, counted where every answer of the token endpoint passes: OpenIddict's
/// apply-token-response event. Refusals decided by OpenIddict itself (a wrong secret, an
/// unsupported grant) never reach TokenEndpoint.cs, so counting there would miss most of them.
/// </summary>
public sealed class TokenMetrics : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyTokenResponseContext>
{
    private static readonly Counter<long> Issued = Telemetry.Meter.CreateCounter<long>(
        "callevents.tokens.issued", "{token}", "Access tokens issued by the token endpoint.");

    private static readonly Counter<long> Refused = Telemetry.Meter.CreateCounter<long>(
        "callevents.tokens.refused", "{request}", "Token requests refused, by OAuth 2.0 error code (error.type).");

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyTokenResponseContext>()
            .UseSingletonHandler<TokenMetrics>()
            .SetOrder(int.MinValue + 100_000) // before the response is written
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        if (context.Response.Error is { } error)
        {
            Refused.Add(1, new KeyValuePair<string, object?>("error.type", ErrorCode(error)));
        }
        else if (context.Response.AccessToken is not null)
        {
            Issued.Add(1);
        }
        return default;
    }

    /// <summary>RFC 6749's codes are a handful of lower-case words; anything else is one bucket, so the label stays bounded.</summary>
    private static string ErrorCode(string error) =>
        error.Length <= 32 && error.All(c => c is (>= 'a' and <= 'z') or '_') ? error : "other";
}
