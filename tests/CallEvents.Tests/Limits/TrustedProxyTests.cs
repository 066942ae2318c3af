using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Limits;

/// <summary>
/// Hosting:TrustedProxies: the per-address failure budget is the client's, named by
/// X-Forwarded-For, only when the request comes from a trusted proxy; from anyone else that
/// header is ignored, so a client cannot give itself a fresh budget by inventing addresses.
/// All requests here come from 127.0.0.1.
/// </summary>
public sealed class TrustedProxyTests
{
    private const int PerAddress = 3;

    private static Task<CallEventsHost> StartAsync(params string[] settings) => CallEventsHost.StartAsync(
    [
        "RateLimiting:FailedClientAuthenticationsPerClient=100",
        $"RateLimiting:FailedAuthenticationsPerAddress={PerAddress}",
        .. settings,
    ]);

    private static async Task<HttpResponseMessage> GuessAsync(CallEventsHost host, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, UapiCalls.Events("@me", "0003*210"));
        request.Headers.Authorization = new("Bearer", "garbage.not.atoken");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await host.Http.SendAsync(request);
    }

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasABudgetOfItsOwn()
    {
        await using var host = await StartAsync("Hosting:TrustedProxies:0=127.0.0.1/32");
        for (var i = 0; i < PerAddress; i++)
        {
            using var refused = await GuessAsync(host, "198.51.100.7");
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var throttled = await GuessAsync(host, "198.51.100.7"))
        {
            await UapiCalls.AssertErrorAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_requests");
        }
        // Another client behind the same proxy is not throttled for the first one's guesses.
        using var other = await GuessAsync(host, "198.51.100.8");
        await UapiCalls.AssertErrorAsync(other, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task WithoutATrustedProxyInventedForwardedAddressesShareTheSendersBudget()
    {
        await using var host = await StartAsync();
        for (var i = 0; i < PerAddress; i++)
        {
            using var refused = await GuessAsync(host, $"198.51.100.{i + 1}");
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
        }
        using var throttled = await GuessAsync(host, "198.51.100.99");
        await UapiCalls.AssertErrorAsync(throttled, HttpStatusCode.TooManyRequests, "too_many_requests");
    }
}
