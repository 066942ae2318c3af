using System.Net;
using CallEvents.Uapi;
using Microsoft.Extensions.Options;

namespace CallEvents.Limits;

/// <summary>
/// The failure budgets of authentication (docs/api.md, "401, 429 and 503"): wrong client
/// credentials at the token endpoint are counted per client id from one address and per address;
/// refused bearer tokens on the API per address. Only failures count, so a client that
/// authenticates correctly is never slowed by its own traffic, and guessing a client's secret from
/// one address never refuses that client at another.
/// </summary>
public sealed class FailedAuthentications
{
    private readonly FailureBudget? _perClient;
    private readonly FailureBudget? _perAddress;

    public FailedAuthentications(IOptions<RateLimitingOptions> settings, TimeProvider clock)
    {
        var options = settings.Value;
        _perClient = FailureBudget.Of(options.FailedClientAuthenticationsPerClient, options, clock);
        _perAddress = FailureBudget.Of(options.FailedAuthenticationsPerAddress, options, clock);
    }

    /// <summary>How long a token request for <paramref name="clientId"/> from this address is refused, or null.</summary>
    public TimeSpan? TokenRequestRetryAfter(string? clientId, IPAddress? address)
    {
        var source = AddressKey.Of(address);
        var byClient = clientId is null ? null : _perClient?.RetryAfter(ClientKey(clientId, source));
        return FailureBudget.Longest(_perAddress?.RetryAfter(source), byClient);
    }

    /// <summary>A token request whose client authentication failed (invalid_client).</summary>
    public void CountClientFailure(string? clientId, IPAddress? address)
    {
        var source = AddressKey.Of(address);
        _perAddress?.Count(source);
        if (clientId is not null)
        {
            _perClient?.Count(ClientKey(clientId, source));
        }
    }

    /// <summary>How long refused bearer tokens from this address are answered 429, or null.</summary>
    public TimeSpan? BearerRetryAfter(IPAddress? address) => _perAddress?.RetryAfter(AddressKey.Of(address));

    public void CountBearerFailure(IPAddress? address) => _perAddress?.Count(AddressKey.Of(address));

    // The address is part of the key: see the class summary.
    private static string ClientKey(string clientId, string source) => string.Concat(source, " ", clientId);
}
