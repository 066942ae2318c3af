using System.Net;
using CallEvents.Tests.OAuth;

namespace CallEvents.Tests.Authorization;

/// <summary>An authorization code lives 10 minutes, on the server's clock (a fake one here).</summary>
public sealed class CodeExpiryTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    [Fact]
    public async Task ACodeRedeemedAfterTenMinutesIsInvalidGrant()
    {
        var host = fixture.Host;
        await AuthorizationFlow.SetPasswordAsync(host, host.Demo.Accounts.User, "ana-password-3");
        var app = await AuthorizationFlow.AddAppAsync(host);
        using var flow = new AuthorizationFlow(host);
        var first = AuthorizationFlow.QueryOf(await flow.AuthorizeAsync(app.ClientId, host.Demo.Accounts.User, "ana-password-3"))["code"]!;
        var second = AuthorizationFlow.QueryOf(await flow.ConsentAsync(flow.AuthorizeUrl(app.ClientId), "allow"))["code"]!;

        fixture.Clock.Advance(TimeSpan.FromMinutes(9));
        using (var inTime = await flow.RedeemAsync(app, first))
        {
            Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);
        }
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        using var late = await flow.RedeemAsync(app, second);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal("invalid_grant", (await Infrastructure.UapiCalls.ReadJsonAsync(late)).GetProperty("error").GetString());
    }
}
