using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Authorization;

/// <summary>
/// The authorization-code flow with PKCE (issue 13 item 2): a person signs in, consents, the app
/// gets a code at its registered redirect URI and redeems it for tokens that act as that person.
/// </summary>
public sealed class AuthorizationCodeFlowTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Password = "ana-password-1";

    private CallEventsHost Host => fixture.Host;

    [Fact]
    public async Task APersonSignsInConsentsAndTheAppActsAsThemWithinContractSection4()
    {
        var ana = Host.Demo.Accounts.User;
        await AuthorizationFlow.SetPasswordAsync(Host, ana, Password);
        var app = await AuthorizationFlow.AddAppAsync(Host);
        using var flow = new AuthorizationFlow(Host);

        var redirect = await flow.AuthorizeAsync(app.ClientId, ana, Password, state: "xyz-42");
        Assert.Equal(AuthorizationFlow.RedirectUri, redirect.GetLeftPart(UriPartial.Path));
        var query = AuthorizationFlow.QueryOf(redirect);
        Assert.Equal("xyz-42", query["state"]);
        using var redeemed = await flow.RedeemAsync(app, query["code"]!);
        var (access, refresh) = await AuthorizationFlow.TokensAsync(redeemed);
        Assert.False(string.IsNullOrEmpty(refresh));

        using var api = flow.ApiAs(access);
        // Ana's own extension: §4 allows it, as Ana (@me is Ana).
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*210");
        using (var listed = await api.GetAsync(UapiCalls.Events(ana, "0003*210")))
        {
            Assert.Contains(id, await UapiCalls.IdsAsync(listed));
        }
        // Ben's extension in the same organization, and another organization's: a user may not.
        using (var colleague = await api.GetAsync(UapiCalls.Events(Host.Demo.Accounts.Colleague, "0003*212")))
        {
            Assert.NotEqual(HttpStatusCode.OK, colleague.StatusCode);
        }
        using (var other = await api.GetAsync(UapiCalls.Events("@me", "0004*210")))
        {
            Assert.NotEqual(HttpStatusCode.OK, other.StatusCode);
        }
    }
}
