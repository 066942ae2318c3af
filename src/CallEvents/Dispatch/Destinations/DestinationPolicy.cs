using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// The SSRF guard (contract §9): a tenant may point a hook at any public address, never at this
/// machine, its private network, link-local metadata services (169.254.169.254) or multicast,
/// unless an operator allows a range by CIDR. Checked at create/update on the URL as written and
/// on whatever its name resolves to, and again when connecting, on the address actually used.
/// </summary>
public sealed class DestinationPolicy
{
    private readonly IPNetwork[] _allowed;
    private readonly TimeSpan _lookupTimeout;

    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),    // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),   // link-local, cloud metadata
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
    ];

    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),         // unique local
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // site-local (deprecated, still routable inside)
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    public DestinationPolicy(IOptions<DeliveryOptions> options)
    {
        _allowed = [.. options.Value.AllowedNetworks.Select(cidr => IPNetwork.Parse(cidr.Trim()))];
        _lookupTimeout = options.Value.RegistrationLookupTimeout;
    }

    /// <summary>Whether a connection to this exact address is allowed.</summary>
    public bool IsAllowed(IPAddress address)
    {
        foreach (var network in _allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return !IsRefusedByDefault(address);
    }

    public static bool IsRefusedByDefault(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address inside.
            if (IsEmbeddedV4(bytes, out var embedded))
            {
                return IsRefusedByDefault(embedded);
            }
            return RefusedV6.Any(network => network.Contains(address));
        }
        return RefusedV4.Any(network => network.Contains(address));
    }

    private static bool IsEmbeddedV4(byte[] bytes, out IPAddress embedded)
    {
        embedded = IPAddress.None;
        var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0 && bytes[15] <= 1);
        var nat64 = bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0;
        if (compatible || nat64)
        {
            embedded = new IPAddress(bytes.AsSpan(12, 4));
            return true;
        }
        return false;
    }

    /// <summary>
    /// The check at create/update. <see cref="Uri"/> has already folded odd IPv4 spellings
    /// (<c>0x7f.1</c>, <c>2130706433</c>) into dotted form. A name that does not resolve (yet)
    /// is accepted: it is checked again, on the address used, at connect time.
    /// </summary>
    public async Task<bool> IsAllowedAtRegistrationAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = url.IdnHost;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return IsAllowed(literal);
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_lookupTimeout);
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            return addresses.All(IsAllowed);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
