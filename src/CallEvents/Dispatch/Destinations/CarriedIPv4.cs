using System.Net;
using System.Net.Sockets;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// The IPv4 address inside an IPv6 address, in the forms that lead a connection to it: the
/// socket connects over IPv4, a translator or relay forwards to it, or a tunnel wraps the packet
/// for it. The guard judges that IPv4 address as well as the IPv6 address's own block, so what
/// an address carries can only make it more refused: the NAT64 prefix is reachable but
/// 64:ff9b::7f00:1 (NAT64 of 127.0.0.1) is not, and an operator who allows 2002::/16 still has
/// 2002:7f00:1:: (6to4 of 127.0.0.1) refused.
/// </summary>
public static class CarriedIPv4
{
    public static bool TryGet(IPAddress address, out IPAddress carried)
    {
        carried = IPAddress.None;
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var last32 = b[12..];
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && b[10] == 0xff && b[11] == 0xff)
        {
            carried = new IPAddress(last32);                // ::ffff:a.b.c.d, IPv4-mapped (RFC 4291 §2.5.5.2)
        }
        else if (b[..8].IndexOfAnyExcept((byte)0) < 0 && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0)
        {
            carried = new IPAddress(last32);                // ::ffff:0:a.b.c.d, IPv4-translated (SIIT, RFC 2765 §2.1)
        }
        else if ((b[..15].IndexOfAnyExcept((byte)0) >= 0 || b[15] > 1) && b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            carried = new IPAddress(last32);                // ::a.b.c.d, IPv4-compatible (RFC 4291 §2.5.5.1); :: and ::1 are themselves
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            carried = new IPAddress(last32);                // 64:ff9b::a.b.c.d, NAT64 well-known prefix (RFC 6052 §2.1)
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01)
        {
            // 64:ff9b:1::/48, NAT64 local use (RFC 8215): the prefix length is the operator's
            // choice; read as a /96, the layout translators use unless told otherwise.
            carried = new IPAddress(last32);
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            carried = new IPAddress(b[2..6]);               // 2002:AABB:CCDD::/48, 6to4 (RFC 3056 §2)
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)
        {
            // 2001:0::/32, Teredo (RFC 4380 §4): the client's IPv4 address, where packets go, is
            // the last 32 bits inverted.
            Span<byte> client = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                client[i] = (byte)~last32[i];
            }
            carried = new IPAddress(client);
        }
        else
        {
            return false;
        }
        return true;
    }
}
