using System.Net;
using CallEvents.Tests.Infrastructure;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.Links;

/// <summary>Host filtering: a Host that is not allowed gets 400 in the UAPI envelope, on every path.</summary>
public sealed class AllowedHostsTests
{
    private static async Task<HttpResponseMessage> GetAsync(CallEventsHost host, string path, string hostHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = hostHeader;
        return await host.Http.SendAsync(request);
    }

    [Fact]
    public async Task ByDefaultLoopbackNamesAreAllowedAndAForeignHostIsRefusedWith400Json()
    {
        await using var host = await CallEventsHost.StartAsync();
        var port = host.BaseAddress.Port;
        foreach (var allowed in new[] { $"127.0.0.1:{port}", $"localhost:{port}", "localhost" })
        {
            using var response = await GetAsync(host, "/health", allowed);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var path in new[] { "/health", Events("@me", "0003*210"), "/oauth/token.php" })
        {
            using var refused = await GetAsync(host, path, "evil.example");
            await AssertErrorAsync(refused, HttpStatusCode.BadRequest, "request_invalid");
        }
    }

    [Fact]
    public async Task ThePublicBaseUrlsHostIsAllowedWithoutAllowedHosts()
    {
        await using var host = await CallEventsHost.StartAsync(["Hosting:PublicBaseUrl=https://pbx.example.com"]);
        using var allowed = await GetAsync(host, "/health", "pbx.example.com");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var refused = await GetAsync(host, "/health", "evil.example");
        await AssertErrorAsync(refused, HttpStatusCode.BadRequest, "request_invalid");
    }

    [Fact]
    public async Task AllowedHostsSetRefusesEveryOtherHostWith400Json()
    {
        await using var host = await CallEventsHost.StartAsync(["AllowedHosts=pbx.example.com;*.pbx.example.com"]);
        using var allowed = await GetAsync(host, "/health", "node1.pbx.example.com");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var refused = await GetAsync(host, Events("@me", "0003*210"), "evil.example");
        await AssertErrorAsync(refused, HttpStatusCode.BadRequest, "request_invalid");
        using var loopback = await GetAsync(host, "/health", "localhost");
        await AssertErrorAsync(loopback, HttpStatusCode.BadRequest, "request_invalid");
    }
}
