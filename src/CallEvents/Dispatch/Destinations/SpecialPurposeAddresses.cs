using System.Net;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// The IANA IPv4 and IPv6 Special-Purpose Address Registries as the SSRF guard reads them: each
/// block with whether it is globally reachable. The most specific block containing an address
/// decides; an address in no block is globally reachable. The registries' "N/A" is read as not
/// reachable: those blocks are not destinations in their own right (6to4, Teredo, a deprecated
/// relay), and their shapes are how a refused IPv4 address is smuggled past a guard.
/// Where the guard departs from the registries the entry says so: it adds multicast, the
/// deprecated site-local block and everything outside global unicast 2000::/3, and it refuses
/// the PCP, TURN and SRP anycast addresses the registries call reachable: the nearest server of
/// such a service is the network operator's own (a NAT gateway, the access network's relay),
/// which from this server is its own network.
/// </summary>
public static class SpecialPurposeAddresses
{
    private static readonly (IPNetwork Block, bool GloballyReachable)[] Blocks =
    [
        // IPv4 Special-Purpose Address Registry
        (Net("0.0.0.0/8"), false),          // RFC 791 §3.2: "this network"
        (Net("0.0.0.0/32"), false),         // RFC 1122 §3.2.1.3: "this host on this network"
        (Net("10.0.0.0/8"), false),         // RFC 1918: private use
        (Net("100.64.0.0/10"), false),      // RFC 6598: shared address space (carrier-grade NAT)
        (Net("127.0.0.0/8"), false),        // RFC 1122 §3.2.1.3: loopback
        (Net("169.254.0.0/16"), false),     // RFC 3927: link local (cloud metadata services)
        (Net("172.16.0.0/12"), false),      // RFC 1918: private use
        (Net("192.0.0.0/24"), false),       // RFC 6890 §2.1: IETF protocol assignments
        (Net("192.0.0.0/29"), false),       // RFC 7335: IPv4 service continuity prefix (DS-Lite)
        (Net("192.0.0.8/32"), false),       // RFC 7600: IPv4 dummy address
        (Net("192.0.0.9/32"), false),       // RFC 7723: PCP anycast (registry: reachable; refused here)
        (Net("192.0.0.10/32"), false),      // RFC 8155: TURN anycast (registry: reachable; refused here)
        (Net("192.0.0.170/32"), false),     // RFC 8880, RFC 7050 §2.2: NAT64/DNS64 discovery
        (Net("192.0.0.171/32"), false),     // RFC 8880, RFC 7050 §2.2: NAT64/DNS64 discovery
        (Net("192.0.2.0/24"), false),       // RFC 5737: documentation (TEST-NET-1)
        (Net("192.31.196.0/24"), true),     // RFC 7535: AS112-v4
        (Net("192.52.193.0/24"), true),     // RFC 7450: AMT
        (Net("192.88.99.0/24"), false),     // RFC 7526: deprecated 6to4 relay anycast (registry: N/A)
        (Net("192.88.99.2/32"), false),     // RFC 6751: 6a44 relay anycast
        (Net("192.168.0.0/16"), false),     // RFC 1918: private use
        (Net("192.175.48.0/24"), true),     // RFC 7534: direct delegation AS112 service
        (Net("198.18.0.0/15"), false),      // RFC 2544: benchmarking
        (Net("198.51.100.0/24"), false),    // RFC 5737: documentation (TEST-NET-2)
        (Net("203.0.113.0/24"), false),     // RFC 5737: documentation (TEST-NET-3)
        (Net("240.0.0.0/4"), false),        // RFC 1112 §4: reserved
        (Net("255.255.255.255/32"), false), // RFC 8190, RFC 919 §7: limited broadcast
        // Added by the guard: multicast, in the multicast registry rather than this one.
        (Net("224.0.0.0/4"), false),        // RFC 5771: multicast

        // IPv6 Special-Purpose Address Registry
        (Net("::1/128"), false),            // RFC 4291: loopback
        (Net("::/128"), false),             // RFC 4291: unspecified
        (Net("::ffff:0:0/96"), false),      // RFC 4291: IPv4-mapped
        (Net("64:ff9b::/96"), true),        // RFC 6052: IPv4-IPv6 translation (NAT64 well-known prefix); the IPv4 it carries is judged too
        (Net("64:ff9b:1::/48"), false),     // RFC 8215: IPv4-IPv6 translation, local use
        (Net("100::/64"), false),           // RFC 6666: discard only
        (Net("100:0:0:1::/64"), false),     // RFC 9780: dummy IPv6 prefix
        (Net("2001::/23"), false),          // RFC 2928: IETF protocol assignments
        (Net("2001::/32"), false),          // RFC 4380, RFC 8190: Teredo (registry: N/A)
        (Net("2001:1::1/128"), false),      // RFC 7723: PCP anycast (registry: reachable; refused here)
        (Net("2001:1::2/128"), false),      // RFC 8155: TURN anycast (registry: reachable; refused here)
        (Net("2001:1::3/128"), false),      // RFC 9665: DNS-SD service registration protocol anycast (registry: reachable; refused here)
        (Net("2001:2::/48"), false),        // RFC 5180, RFC Errata 1752: benchmarking
        (Net("2001:3::/32"), true),         // RFC 7450: AMT
        (Net("2001:4:112::/48"), true),     // RFC 7535: AS112-v6
        (Net("2001:10::/28"), false),       // RFC 4843: deprecated, previously ORCHID (registry: N/A)
        (Net("2001:20::/28"), true),        // RFC 7343: ORCHIDv2
        (Net("2001:30::/28"), true),        // RFC 9374: drone remote ID protocol entity tags (DETs)
        (Net("2001:db8::/32"), false),      // RFC 3849: documentation
        (Net("2002::/16"), false),          // RFC 3056: 6to4 (registry: N/A)
        (Net("2620:4f:8000::/48"), true),   // RFC 7534: direct delegation AS112 service
        (Net("3fff::/20"), false),          // RFC 9637: documentation
        (Net("5f00::/16"), false),          // RFC 9602: segment routing (SRv6) SIDs
        (Net("fc00::/7"), false),           // RFC 4193, RFC 8190: unique local
        (Net("fe80::/10"), false),          // RFC 4291: link-local unicast
        // Added by the guard: outside global unicast 2000::/3 (RFC 4291 §2.4, the IANA IPv6
        // address space registry) nothing is allocated for the internet; inside these three
        // are the IPv4-compatible ::/96 (deprecated, RFC 4291 §2.5.5.1) and the IPv4-translated
        // ::ffff:0:0:0/96 (SIIT, RFC 2765 §2.1) forms, and the two below.
        (Net("::/3"), false),
        (Net("4000::/2"), false),
        (Net("8000::/1"), false),
        (Net("fec0::/10"), false),          // RFC 3879: deprecated site-local, still routed inside some networks
        (Net("ff00::/8"), false),           // RFC 4291 §2.7: multicast
    ];

    /// <summary>Whether the registries (as read above) say this exact address is globally reachable.</summary>
    public static bool IsGloballyReachable(IPAddress address)
    {
        var prefix = -1;
        var reachable = true;
        foreach (var (block, globallyReachable) in Blocks)
        {
            if (block.PrefixLength > prefix && block.Covers(address))
            {
                prefix = block.PrefixLength;
                reachable = globallyReachable;
            }
        }
        return reachable;
    }

    private static IPNetwork Net(string cidr) => IPNetwork.Parse(cidr);
}
