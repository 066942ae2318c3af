using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CallEvents.Limits;
using CallEvents.Tests.Infrastructure;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace CallEvents.Tests.Limits;

/// <summary>
/// The failure budgets of authentication, each test on its own host with small budgets. Every
/// test client is on loopback; a second source address (127.0.0.2, loopback too) stands for
/// another client's address.
/// </summary>
public sealed class FailedAuthenticationLimitTests
{
    private static Task<CallEventsHost> StartAsync(int perClient, int perAddress) => CallEventsHost.StartAsync(
    [
        $"RateLimiting:FailedClientAuthenticationsPerClient={perClient}",
        $"RateLimiting:FailedAuthenticationsPerAddress={perAddress}",
    ]);

    private static FormUrlEncodedContent Credentials(string clientId, string secret) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = clientId,
        ["client_secret"] = secret,
    });

    /// <summary>A client whose connections come from <paramref name="source"/> (a loopback address).</summary>
    private static HttpClient From(CallEventsHost host, string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = host.BaseAddress };

    private static async Task AssertTokenThrottledAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"expected 429, got {(int)response.StatusCode} {body}");
        Assert.True(int.TryParse(response.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds is >= 1 and <= 60,
            "Retry-After should be whole seconds within the window");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("slow_down", json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task WrongSecretsForOneClientEndIn429WithRetryAfterInTheTokenEndpointsForm()
    {
        await using var host = await StartAsync(perClient: 3, perAddress: 100);
        var app = host.Demo.Apps!.Organization;
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await host.Http.PostAsync("/oauth/token.php", Credentials(app.ClientId, "wrong-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await host.Http.PostAsync("/oauth/token.php", Credentials(app.ClientId, "wrong-again"));
        await AssertTokenThrottledAsync(refused);
        using var alsoOnTheOtherPath = await host.Http.PostAsync("/oauth/token", Credentials(app.ClientId, "wrong-again"));
        await AssertTokenThrottledAsync(alsoOnTheOtherPath);
    }

    [Fact]
    public async Task CorrectClientsAreNeverCountedAndAnotherClientAtTheSameAddressStillGetsTokens()
    {
        await using var host = await StartAsync(perClient: 3, perAddress: 100);
        var apps = host.Demo.Apps!;
        for (var i = 0; i < 10; i++)
        {
            await host.TokenAsync(a => a.Organization); // successes spend no budget
        }
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await host.Http.PostAsync("/oauth/token.php", Credentials(apps.Organization.ClientId, "wrong"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await host.Http.PostAsync("/oauth/token.php", Credentials(apps.Organization.ClientId, apps.Organization.ClientSecret));
        await AssertTokenThrottledAsync(refused); // the rule: over the budget, a correct secret from that address waits too

        Assert.False(string.IsNullOrEmpty(await host.TokenAsync(a => a.User)));
    }

    [Fact]
    public async Task GuessingAClientsSecretFromOneAddressNeverRefusesThatClientAtAnother()
    {
        await using var host = await StartAsync(perClient: 3, perAddress: 5);
        var app = host.Demo.Apps!.Organization;
        for (var i = 0; i < 8; i++)
        {
            using var _ = await host.Http.PostAsync("/oauth/token.php", Credentials(app.ClientId, "guess-" + i));
        }
        using var guesser = await host.Http.PostAsync("/oauth/token.php", Credentials(app.ClientId, app.ClientSecret));
        await AssertTokenThrottledAsync(guesser);

        using var elsewhere = From(host, "127.0.0.2");
        using var response = await elsewhere.PostAsync("/oauth/token.php", Credentials(app.ClientId, app.ClientSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RotatingClientIdsIsStoppedByTheAddressBudget()
    {
        await using var host = await StartAsync(perClient: 3, perAddress: 5);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await host.Http.PostAsync("/oauth/token.php", Credentials("no-such-app-" + i, "x"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await host.Http.PostAsync("/oauth/token.php", Credentials("no-such-app-new", "x"));
        await AssertTokenThrottledAsync(refused);
    }

    [Fact]
    public async Task GarbageBearerTokensFromOneAddressEndIn429WhileAValidTokenIsStillServed()
    {
        await using var host = await StartAsync(perClient: 10, perAddress: 4);
        var valid = await host.TokenAsync(a => a.Organization);
        var events = UapiCalls.Events("@me", "0003*001");
        using var garbage = host.ClientWith("garbage.not.atoken");
        for (var i = 0; i < 4; i++)
        {
            using var refused = await garbage.GetAsync(events);
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
        }
        using var throttled = await garbage.GetAsync(events);
        await UapiCalls.AssertErrorAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.True(int.TryParse(throttled.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds >= 1);
        // The same guess in RFC 6750's access_token query parameter is counted and throttled too.
        using var viaQuery = await host.Http.GetAsync($"{events}?access_token=garbage.not.atoken");
        await UapiCalls.AssertErrorAsync(viaQuery, HttpStatusCode.TooManyRequests, "too_many_requests");

        using var caller = host.ClientWith(valid);
        using var served = await caller.GetAsync(events);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, served.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, served.StatusCode);

        using var elsewhere = From(host, "127.0.0.2");
        elsewhere.DefaultRequestHeaders.Authorization = new("Bearer", "garbage.not.atoken");
        using var notThrottled = await elsewhere.GetAsync(events);
        await UapiCalls.AssertErrorAsync(notThrottled, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public void TheThrottleHandlersSitWhereTheyMustAmongOpenIddictsOwn()
    {
        // Upgrade checklist: the refusal runs before the client is authenticated, the answer after
        // the status code is set and before the JSON is written.
        Assert.True(TokenRequestThrottle.RefuseOverBudget.Descriptor.Order < OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order);
        Assert.True(TokenRequestThrottle.RefuseOverBudget.Descriptor.Order > OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order);
        Assert.True(TokenRequestThrottle.AnswerAndCount.Descriptor.Order
            > OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor.Order);
        Assert.True(TokenRequestThrottle.AnswerAndCount.Descriptor.Order
            < OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor.Order);
    }
}
