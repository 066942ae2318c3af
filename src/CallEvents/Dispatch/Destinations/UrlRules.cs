using System.Net;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Uapi;

namespace CallEvents.Dispatch.Destinations;

/// <summary>What a hook URL must be (contract §6, §9): absolute http(s), at most 2048 characters, to an allowed place.</summary>
public static class UrlRules
{
    // Whitespace and control characters (RFC 3986 allows none) would be silently dropped or
    // re-encoded by the URI parser; the stored URL must be exactly what is requested later.
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x21).Select(c => (char)c)) + "\u007F\\");

    public static async Task<string> ValidateAsync(string? url, DestinationPolicy destinations, CancellationToken cancellationToken)
    {
        if (url is null or { Length: 0 or > PhoneCallEventInput.MaxUrlLength }
            || url.AsSpan().ContainsAny(Forbidden)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host)
            || IsRefusedLoopbackName(uri.IdnHost, destinations)
            || !await destinations.IsAllowedAtRegistrationAsync(uri, cancellationToken))
        {
            throw UapiError.PceUrlInvalid.Exception();
        }
        return url;
    }

    /// <summary>
    /// <c>localhost</c>, <c>localhost.</c> and <c>*.localhost</c> are loopback by definition
    /// (RFC 6761), whatever the resolver says: the fully qualified <c>localhost.</c> does not
    /// resolve here and would otherwise pass as "not resolved yet". Refused unless the operator
    /// allows loopback.
    /// </summary>
    private static bool IsRefusedLoopbackName(string host, DestinationPolicy destinations)
    {
        var name = host.TrimEnd('.');
        var isLocalhost = name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return isLocalhost && !(destinations.IsAllowed(IPAddress.Loopback) && destinations.IsAllowed(IPAddress.IPv6Loopback));
    }
}
