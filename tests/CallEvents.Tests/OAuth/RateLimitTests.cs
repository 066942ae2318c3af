using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.OAuth;

/// <summary>A server that allows each app 3 requests an hour (RateLimiting:PermitLimit, RateLimiting:Window).</summary>
public sealed class TightRateLimitFixture : IAsyncLifetime
{
    public CallEventsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await CallEventsHost.StartAsync(["RateLimiting:PermitLimit=3", "RateLimiting:Window=01:00:00"]);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Contract §8: 429 too_many_requests per app, with Retry-After, in the envelope.</summary>
public sealed class RateLimitTests(TightRateLimitFixture fixture) : IClassFixture<TightRateLimitFixture>
{
    [Fact]
    public async Task AnAppOverItsLimitGets429WithRetryAfterWhileOtherAppsGoOn()
    {
        var host = fixture.Host;
        const string events = "/uapi/extensions/@me/0003*210/phoneCallEvents";
        var token = await host.TokenAsync(a => a.User);
        using var client = host.ClientWith(token);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync(events);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await client.PostAsync(events, UapiCalls.Json("""{"type":"0","method":"1","url":"https://crm.example.com/limited"}"""));
        await UapiCalls.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "too_many_requests");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);

        // The limit is the app's, not the token's: a new token of the same app is limited too,
        // also when it travels in the query.
        var another = await host.TokenAsync(a => a.User);
        using (var sameApp = await host.Http.GetAsync($"{events}?accessRequestToken=Bearer%20{another}"))
        {
            await UapiCalls.AssertErrorAsync(sameApp, HttpStatusCode.TooManyRequests, "too_many_requests");
        }
        // RFC 6750's access_token query parameter too: it once authenticated after the limiter
        // had let the request through, so an app could go past its limit at will.
        using (var viaQuery = await host.Http.GetAsync($"{events}?access_token={another}"))
        {
            await UapiCalls.AssertErrorAsync(viaQuery, HttpStatusCode.TooManyRequests, "too_many_requests");
        }

        // Nothing was written by the refused create; another app is not affected.
        using var organization = host.ClientWith(await host.TokenAsync(a => a.Organization));
        using var list = await organization.GetAsync(events.Replace("@me", "@owner", StringComparison.Ordinal) + "?filterBy=url&filterOp=equals&filterValue=https://crm.example.com/limited");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty(await UapiCalls.IdsAsync(list));

        // A request without a valid token is refused as such, not counted against anyone.
        using var anonymous = await host.Http.GetAsync(events);
        await UapiCalls.AssertErrorAsync(anonymous, HttpStatusCode.Unauthorized, "access_denied");
    }
}
