using System.Net;
using System.Net.Sockets;

namespace CallEvents.Limits;

/// <summary>
/// The partition of a remote address: an IPv4 address as itself, an IPv6 address by its /64 (one
/// subscriber's network: a client that holds a /64 could otherwise rotate through 2^64 addresses).
/// </summary>
public static class AddressKey
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "-";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
