using System.Net;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// Whether a block holds an address, compared bit by bit as written. Not
/// <see cref="IPNetwork.Contains"/>: on .NET 10 it reads an IPv4-mapped address as the IPv4
/// address (127.0.0.0/8 "contains" ::ffff:127.0.0.1) and then misjudges IPv6 blocks
/// (::ffff:0:0/96 does not "contain" ::ffff:8.8.8.8). The guard judges an IPv6 spelling by its
/// own block and, separately, by the IPv4 address it carries (<see cref="CarriedIPv4"/>).
/// </summary>
public static class AddressBlocks
{
    public static bool Covers(this IPNetwork block, IPAddress address)
    {
        var baseAddress = block.BaseAddress;
        if (address.AddressFamily != baseAddress.AddressFamily)
        {
            return false;
        }
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(a, out _);
        baseAddress.TryWriteBytes(b, out _);
        var whole = block.PrefixLength / 8;
        var rest = block.PrefixLength % 8;
        return a[..whole].SequenceEqual(b[..whole])
            && (rest == 0 || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0);
    }
}
