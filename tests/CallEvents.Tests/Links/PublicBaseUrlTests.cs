using System.Net;
using System.Text.Json.Nodes;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.Links;

/// <summary>Hosting:PublicBaseUrl decides every absolute link and the issuer; a request's Host cannot.</summary>
public sealed class PublicBaseUrlTests
{
    private const string Base = "https://pbx.example.com/callevents";
    private const string Extension = "0003*210";

    private static HttpRequestMessage WithHost(HttpMethod method, string uri, string host, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Host = host;
        return request;
    }

    private static string Issuer(string token) =>
        JsonNode.Parse(Convert.FromBase64String(Pad(token.Split('.')[1])))!["iss"]!.GetValue<string>();

    private static string Pad(string base64Url)
    {
        var base64 = base64Url.Replace('-', '+').Replace('_', '/');
        return base64 + new string('=', (4 - base64.Length % 4) % 4);
    }

    [Fact]
    public async Task AForeignHostGetsLinksAndLocationOnTheConfiguredBase()
    {
        // AllowedHosts=* so that the foreign Host reaches the API: the links must not follow it.
        await using var host = await CallEventsHost.StartAsync([$"Hosting:PublicBaseUrl={Base}", "AllowedHosts=*"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        string? id = null;
        for (var i = 0; i < 2; i++)
        {
            using var created = await client.SendAsync(WithHost(HttpMethod.Post, Events("@me", Extension), "evil.example",
                Json(new { type = "0", method = "1", url = "https://crm.example.com/hooks/calls" })));
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.OK, body);
            id = JsonNode.Parse(body)![0]!["id"]!.GetValue<string>();
            var self = JsonNode.Parse(body)![0]!["links"]!["self"]!.GetValue<string>();
            Assert.Equal($"{Base}/uapi/extensions/@me/{Extension}/phoneCallEvents/0/{id}", self);
            Assert.Equal(self, created.Headers.Location!.OriginalString);
        }

        using var page = await client.SendAsync(WithHost(HttpMethod.Get, Events("@me", Extension) + "?count=1", "evil.example"));
        var listed = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, listed);
        Assert.DoesNotContain("evil.example", listed, StringComparison.Ordinal);
        Assert.Contains($"\"{Base}/uapi/extensions/@me/{Extension}/phoneCallEvents?", listed, StringComparison.Ordinal);
        Assert.NotNull(id);
    }

    [Fact]
    public async Task TheIssuerIsThePublicBaseUnlessOAuthIssuerIsSet()
    {
        await using (var host = await CallEventsHost.StartAsync([$"Hosting:PublicBaseUrl={Base}"]))
        {
            Assert.Equal(Base, Issuer(await host.TokenAsync(a => a.User)));
        }
        await using (var host = await CallEventsHost.StartAsync([$"Hosting:PublicBaseUrl={Base}", "OAuth:Issuer=https://issuer.example/"]))
        {
            Assert.Equal("https://issuer.example/", Issuer(await host.TokenAsync(a => a.User)));
        }
        await using (var host = await CallEventsHost.StartAsync())
        {
            Assert.Equal(OAuthOptions.DefaultIssuer, Issuer(await host.TokenAsync(a => a.User)));
        }
    }

    [Fact]
    public async Task WithoutAPublicBaseUrlLinksFollowAnAllowedLoopbackHost()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var localhost = $"localhost:{host.BaseAddress.Port}";
        using var created = await client.SendAsync(WithHost(HttpMethod.Post, Events("@me", Extension), localhost,
            Json(new { type = "0", method = "1", url = "https://crm.example.com/hooks/calls" })));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.StartsWith($"http://{localhost}/uapi/", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoveryAndTheKeySetAreNotServed()
    {
        await using var host = await CallEventsHost.StartAsync();
        foreach (var path in new[] { "/.well-known/openid-configuration", "/.well-known/jwks", "/.well-known/oauth-authorization-server" })
        {
            using var response = await host.Http.GetAsync(path);
            await AssertErrorAsync(response, HttpStatusCode.NotImplemented, "request_not_implemented");
        }
    }
}
