using System.Net;
using CallEvents.Dispatch.Destinations;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Dispatch.Destinations;

/// <summary>
/// The IANA special-purpose registries at create/update, with nothing allowed by the operator:
/// for each block an address inside is refused and the address just outside it is accepted
/// (unless that neighbour is itself in a refused block). Validation only: the accepted hooks are
/// created disabled and deleted at once, and no call event is reported to this server.
/// </summary>
public sealed class SpecialPurposeAddressTests(SpecialPurposeAddressTests.Fixture fixture) : IClassFixture<SpecialPurposeAddressTests.Fixture>
{
    private const string Extension = "0003*210";

    public sealed class Fixture : IAsyncLifetime
    {
        public ScriptedResolver Resolver { get; } = new();
        public CallEventsHost Host { get; private set; } = null!;
        public HttpClient User { get; private set; } = null!;
        public string KeptId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Host = await CallEventsHost.StartAsync(configureServices: services => services.AddSingleton<HostLookup>(Resolver.LookupAsync));
            User = Host.ClientWith(await Host.TokenAsync(a => a.User));
            KeptId = await UapiCalls.CreateAsync(User, "@me", Extension, type: 1, url: "https://crm.example.com/kept");
        }

        public async Task DisposeAsync()
        {
            User?.Dispose();
            if (Host is not null)
            {
                await Host.DisposeAsync();
            }
        }
    }

    /// <summary>(block, an address inside it, the address just outside it, or null when that neighbour is refused too: the comment says why).</summary>
    public static TheoryData<string, string, string?> Blocks() => new()
    {
        // IPv4
        { "0.0.0.0/8", "0.255.255.255", "1.0.0.0" },
        { "0.0.0.0/32", "0.0.0.0", null },                                  // inside 0.0.0.0/8
        { "10.0.0.0/8", "10.0.0.0", "9.255.255.255" },
        { "10.0.0.0/8", "10.255.255.255", "11.0.0.0" },
        { "100.64.0.0/10", "100.64.0.0", "100.63.255.255" },
        { "100.64.0.0/10", "100.127.255.255", "100.128.0.0" },
        { "127.0.0.0/8", "127.0.0.1", "126.255.255.255" },
        { "127.0.0.0/8", "127.255.255.255", "128.0.0.0" },
        { "169.254.0.0/16", "169.254.169.254", "169.253.255.255" },
        { "169.254.0.0/16", "169.254.255.255", "169.255.0.0" },
        { "172.16.0.0/12", "172.16.0.0", "172.15.255.255" },
        { "172.16.0.0/12", "172.31.255.255", "172.32.0.0" },
        { "192.0.0.0/24", "192.0.0.0", "191.255.255.255" },
        { "192.0.0.0/24", "192.0.0.255", "192.0.1.0" },
        { "192.0.0.0/29", "192.0.0.7", null },                              // inside 192.0.0.0/24, as are the next five
        { "192.0.0.8/32", "192.0.0.8", null },
        { "192.0.0.9/32", "192.0.0.9", null },                              // PCP anycast: registry reachable, refused here
        { "192.0.0.10/32", "192.0.0.10", null },                            // TURN anycast: likewise
        { "192.0.0.170/32", "192.0.0.170", null },
        { "192.0.0.171/32", "192.0.0.171", null },
        { "192.0.2.0/24", "192.0.2.0", "192.0.1.255" },
        { "192.0.2.0/24", "192.0.2.255", "192.0.3.0" },
        { "192.88.99.0/24", "192.88.99.1", "192.88.98.255" },
        { "192.88.99.0/24", "192.88.99.255", "192.88.100.0" },
        { "192.88.99.2/32", "192.88.99.2", null },                          // inside 192.88.99.0/24
        { "192.168.0.0/16", "192.168.0.0", "192.167.255.255" },
        { "192.168.0.0/16", "192.168.255.255", "192.169.0.0" },
        { "198.18.0.0/15", "198.18.0.0", "198.17.255.255" },
        { "198.18.0.0/15", "198.19.255.255", "198.20.0.0" },
        { "198.51.100.0/24", "198.51.100.0", "198.51.99.255" },
        { "198.51.100.0/24", "198.51.100.255", "198.51.101.0" },
        { "203.0.113.0/24", "203.0.113.0", "203.0.112.255" },
        { "203.0.113.0/24", "203.0.113.255", "203.0.114.0" },
        { "224.0.0.0/4", "224.0.0.0", "223.255.255.255" },
        { "224.0.0.0/4", "239.255.255.255", null },                         // 240.0.0.0/4 follows
        { "240.0.0.0/4", "240.0.0.0", null },                               // multicast precedes
        { "240.0.0.0/4", "255.255.255.254", null },
        { "255.255.255.255/32", "255.255.255.255", null },
        // IPv6. Everything outside 2000::/3 is refused, so blocks there have no accepted neighbour.
        { "::/128", "::", null },
        { "::1/128", "::1", null },
        { "::ffff:0:0/96", "::ffff:8.8.8.8", null },                        // the registry's answer, whatever IPv4 it maps
        { "::ffff:0:0/96", "::ffff:127.0.0.1", null },
        { "::/96, IPv4-compatible", "::127.0.0.1", null },
        { "::/96, IPv4-compatible", "::8.8.8.8", null },
        { "::ffff:0:0:0/96, IPv4-translated", "::ffff:0:127.0.0.1", null },
        { "64:ff9b::/96 carrying a refused IPv4", "64:ff9b::127.0.0.1", null },
        { "64:ff9b::/96 carrying a refused IPv4", "64:ff9b::169.254.169.254", null },
        { "64:ff9b::/96 carrying a refused IPv4", "64:ff9b::192.0.2.1", null },
        { "just past 64:ff9b::/96", "64:ff9b::1:0:0", null },
        { "64:ff9b:1::/48", "64:ff9b:1::808:808", null },
        { "64:ff9b:1::/48", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", null },
        { "100::/64", "100::1", null },
        { "100:0:0:1::/64", "100:0:0:1::1", null },
        { "2001::/23", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::" },
        { "2001::/32, Teredo", "2001::", "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "2001::/32, Teredo", "2001:0:4136:e378:8000:63bf:f7f7:f7f7", null }, // of client 8.8.8.8: still refused
        { "2001:1::1/128", "2001:1::1", null },                             // PCP, TURN, SRP anycast: registry reachable, refused here
        { "2001:1::2/128", "2001:1::2", null },
        { "2001:1::3/128", "2001:1::3", null },
        { "2001:2::/48", "2001:2::1", null },                               // the rest are inside 2001::/23
        { "just past 2001:3::/32", "2001:4::", null },
        { "just past 2001:4:112::/48", "2001:4:113::", null },
        { "2001:10::/28", "2001:10::1", null },
        { "2001:10::/28, just before 2001:20::/28", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", null },
        { "just past 2001:30::/28", "2001:40::", null },
        { "2001:db8::/32", "2001:db8::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::" },
        { "2002::/16", "2002:808:808::1", "2003::" },                      // 6to4 of a public IPv4: refused (N/A)
        { "2002::/16", "2002:7f00:1::1", "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "3fff::/20", "3fff::1", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "3fff::/20", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::" },
        { "5f00::/16", "5f00::1", null },
        { "fc00::/7", "fc00::", null },
        { "fc00::/7", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", null },
        { "fe80::/10", "fe80::1", null },
        { "fec0::/10", "fec0::1", null },
        { "ff00::/8", "ff02::1", null },
        { "below 2000::/3", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2000::" },
        { "above 2000::/3", "4000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
    };

    /// <summary>Blocks the registries call globally reachable, inside refused ones or carrying a public IPv4.</summary>
    public static TheoryData<string, string> Reachable() => new()
    {
        { "192.31.196.0/24, AS112-v4", "192.31.196.1" },
        { "192.52.193.0/24, AMT", "192.52.193.1" },
        { "192.175.48.0/24, AS112", "192.175.48.1" },
        { "64:ff9b::/96 carrying a public IPv4", "64:ff9b::8.8.8.8" },
        { "2001:3::/32, AMT", "2001:3::1" },
        { "2001:4:112::/48, AS112-v6", "2001:4:112::1" },
        { "2001:20::/28, ORCHIDv2", "2001:20::" },
        { "2001:30::/28, DRIP DETs", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff" },
        { "2620:4f:8000::/48, AS112", "2620:4f:8000::1" },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task AnAddressInABlockThatIsNotGloballyReachableIsRefusedAndItsNeighbourOutsideIsAccepted(string block, string inside, string? outside)
    {
        using (var create = await CreateAsync(inside))
        {
            await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");
        }
        using (var update = await UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", Extension, "1", fixture.KeptId), new { url = Url(inside) }))
        {
            await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "pce_url_invalid");
        }
        if (outside is not null)
        {
            await AssertAcceptedAsync(outside, block);
        }
    }

    [Theory]
    [MemberData(nameof(Reachable))]
    public async Task AnAddressTheRegistriesCallGloballyReachableIsAccepted(string block, string address) =>
        await AssertAcceptedAsync(address, block);

    [Theory]
    [InlineData("127.0.0.1.")]
    [InlineData("0x7f.1.")]
    [InlineData("0x7f000001.")]
    [InlineData("2130706433.")]
    [InlineData("0177.0.0.1.")]
    [InlineData("10.0.0.1.")]
    [InlineData("169.254.169.254.")]
    [InlineData("198.51.100.7.")]
    public async Task AnAddressSpelledAsANameWithATrailingDotIsJudgedAsTheAddressAndNotLookedUp(string host)
    {
        var before = fixture.Resolver.AllCalls;
        using var create = await fixture.User.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", status = "0", url = $"http://{host}/dot" }));
        await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");
        Assert.Equal(before, fixture.Resolver.AllCalls);
    }

    [Fact]
    public async Task AGloballyReachableAddressWithATrailingDotIsAcceptedWithoutALookup()
    {
        var before = fixture.Resolver.AllCalls;
        using var create = await fixture.User.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", status = "0", url = "http://8.8.8.8./dot" }));
        var ids = await UapiCalls.IdsAsync(create);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(before, fixture.Resolver.AllCalls);
        using var _ = await fixture.User.DeleteAsync(UapiCalls.Events("@me", Extension, "0", ids[0]));
    }

    private static string Url(string address) => address.Contains(':', StringComparison.Ordinal) ? $"http://[{address}]/sp" : $"http://{address}/sp";

    private Task<HttpResponseMessage> CreateAsync(string address) =>
        fixture.User.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", status = "0", url = Url(address) }));

    /// <summary>Created disabled, so that it could never be delivered to, and deleted at once.</summary>
    private async Task AssertAcceptedAsync(string address, string block)
    {
        using var create = await CreateAsync(address);
        var body = await create.Content.ReadAsStringAsync();
        Assert.True(create.StatusCode == HttpStatusCode.OK, $"{address} ({block}) should be accepted: {(int)create.StatusCode} {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("0", json.RootElement[0].GetProperty("status").GetString());
        using var _ = await fixture.User.DeleteAsync(UapiCalls.Events("@me", Extension, "0", json.RootElement[0].GetProperty("id").GetString()));
    }
}
