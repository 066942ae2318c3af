using System.Net;
using CallEvents.Dispatch.Destinations;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Dispatch.Destinations;

/// <summary>
/// An operator who allows IPv6 blocks that carry IPv4 addresses (and 10.0.0.0/8): the IPv4
/// address carried is judged as well, with the same allowed networks, so allowing the block
/// does not open what it carries. Validation only: accepted hooks are created disabled and
/// deleted at once, and no call event is reported to this server.
/// </summary>
public sealed class CarriedAddressTests(CarriedAddressTests.Fixture fixture) : IClassFixture<CarriedAddressTests.Fixture>
{
    private const string Extension = "0003*210";

    public sealed class Fixture : IAsyncLifetime
    {
        public CallEventsHost Host { get; private set; } = null!;
        public HttpClient User { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var resolver = new ScriptedResolver();
            Host = await CallEventsHost.StartAsync(
                [
                    "Delivery:AllowedNetworks:0=2002::/16",
                    "Delivery:AllowedNetworks:1=2001::/32",
                    "Delivery:AllowedNetworks:2=::ffff:0:0/96",
                    "Delivery:AllowedNetworks:3=64:ff9b:1::/48",
                    "Delivery:AllowedNetworks:4=::/96",
                    "Delivery:AllowedNetworks:5=10.0.0.0/8",
                ],
                services => services.AddSingleton<HostLookup>(resolver.LookupAsync));
            User = Host.ClientWith(await Host.TokenAsync(a => a.User));
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

    [Theory]
    [InlineData("2002:808:808::1", true)]                       // 6to4 of 8.8.8.8
    [InlineData("2002:a01:203::1", true)]                       // 6to4 of 10.1.2.3, allowed
    [InlineData("2002:7f00:1::1", false)]                       // 6to4 of 127.0.0.1
    [InlineData("2002:c000:201::1", false)]                     // 6to4 of 192.0.2.1
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7", true)]  // Teredo, client 8.8.8.8 (the last 32 bits inverted)
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", false)] // Teredo, client 127.0.0.1
    [InlineData("::ffff:8.8.8.8", true)]                        // IPv4-mapped
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:192.168.1.1", false)]
    [InlineData("64:ff9b:1::808:808", true)]                    // NAT64 local use, read as a /96
    [InlineData("64:ff9b:1::a9fe:a9fe", false)]                 // … of 169.254.169.254
    [InlineData("::8.8.8.8", true)]                             // IPv4-compatible
    [InlineData("::127.0.0.1", false)]
    [InlineData("64:ff9b::10.1.2.3", true)]                     // NAT64 well-known prefix (reachable) of an allowed IPv4
    [InlineData("64:ff9b::192.168.1.1", false)]
    [InlineData("10.1.2.3", true)]
    [InlineData("192.168.1.1", false)]
    public async Task AnAllowedBlockThatCarriesAnIPv4AddressIsAcceptedOnlyWhenThatAddressIsAllowedToo(string address, bool accepted)
    {
        using var create = await fixture.User.PostAsync(UapiCalls.Events("@me", Extension),
            UapiCalls.Json(new { type = "0", method = "1", status = "0", url = address.Contains(':', StringComparison.Ordinal) ? $"http://[{address}]/c" : $"http://{address}/c" }));
        if (!accepted)
        {
            await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");
            return;
        }
        var body = await create.Content.ReadAsStringAsync();
        Assert.True(create.StatusCode == HttpStatusCode.OK, $"{address} should be accepted: {(int)create.StatusCode} {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        using var _ = await fixture.User.DeleteAsync(UapiCalls.Events("@me", Extension, "0", json.RootElement[0].GetProperty("id").GetString()));
    }
}
