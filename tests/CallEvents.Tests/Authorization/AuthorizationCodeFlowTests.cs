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

    private string Ana => Host.Demo.Accounts.User;

    private async Task<global::CallEvents.OAuth.IssuedCredentials> AppForAnaAsync(string name = "CRM Connect")
    {
        await AuthorizationFlow.SetPasswordAsync(Host, Ana, Password);
        return await AuthorizationFlow.AddAppAsync(Host, name: name);
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response)
    {
        var json = await UapiCalls.ReadJsonAsync(response);
        return json.GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task APersonSignsInConsentsAndTheAppActsAsThemWithinContractSection4()
    {
        var app = await AppForAnaAsync();
        using var flow = new AuthorizationFlow(Host);

        var redirect = await flow.AuthorizeAsync(app.ClientId, Ana, Password, state: "xyz-42");
        Assert.Equal(AuthorizationFlow.RedirectUri, redirect.GetLeftPart(UriPartial.Path));
        var query = AuthorizationFlow.QueryOf(redirect);
        Assert.Equal("xyz-42", query["state"]);
        using var redeemed = await flow.RedeemAsync(app, query["code"]!);
        var (access, refresh) = await AuthorizationFlow.TokensAsync(redeemed);
        Assert.False(string.IsNullOrEmpty(refresh));

        using var api = flow.ApiAs(access);
        // Ana's own extension: §4 allows it, as Ana (@me is Ana, not the app's Admin account).
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*210");
        using (var listed = await api.GetAsync(UapiCalls.Events(Ana, "0003*210")))
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

        // A second authorization needs neither the password (the session) nor the consent (remembered).
        var again = await flow.ConsentAsync(flow.AuthorizeUrl(app.ClientId, state: "second"), "allow");
        Assert.Equal("second", AuthorizationFlow.QueryOf(again)["state"]);
        Assert.True(AuthorizationFlow.QueryOf(again).ContainsKey("code"));
    }

    [Fact]
    public async Task AWrongVerifierOrRedirectUriIsInvalidGrantAndACodeWorksOnlyOnce()
    {
        var app = await AppForAnaAsync();
        using var flow = new AuthorizationFlow(Host);
        var code = AuthorizationFlow.QueryOf(await flow.AuthorizeAsync(app.ClientId, Ana, Password))["code"]!;

        using (var wrongVerifier = await flow.RedeemAsync(app, code, verifier: new string('a', 43)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongVerifier.StatusCode);
            Assert.Equal("invalid_grant", await ErrorOfAsync(wrongVerifier));
        }
        using (var wrongRedirect = await flow.RedeemAsync(app, code, redirectUri: "https://crm.example.com/elsewhere"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongRedirect.StatusCode);
            Assert.Equal("invalid_grant", await ErrorOfAsync(wrongRedirect));
        }
        using (var right = await flow.RedeemAsync(app, code))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
        using var reused = await flow.RedeemAsync(app, code);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_grant", await ErrorOfAsync(reused));
    }

    [Fact]
    public async Task ARequestWithoutAChallengeOrWithAPlainOneGetsTheErrorPageAndNoCode()
    {
        var app = await AppForAnaAsync();
        using var flow = new AuthorizationFlow(Host);
        await flow.AuthorizeAsync(app.ClientId, Ana, Password); // signed in and consented

        // OpenIddict refuses both while it reads the parameters, before it has checked the
        // redirect URI: so the answer is the error page, never a redirect, and never a code.
        foreach (var url in new[]
        {
            flow.AuthorizeUrl(app.ClientId, state: "no-pkce", pkce: false),
            flow.AuthorizeUrl(app.ClientId, state: "plain", pkce: false) + "&code_challenge=" + flow.Verifier + "&code_challenge_method=plain",
        })
        {
            using var refused = await flow.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("code_challenge", html, StringComparison.Ordinal);
            Assert.Contains("invalid_request", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownClientOrAnUnregisteredRedirectUriGetsAnErrorPageNeverARedirect()
    {
        var app = await AppForAnaAsync();
        using var flow = new AuthorizationFlow(Host);
        foreach (var url in new[]
        {
            flow.AuthorizeUrl("app_nobody"),
            flow.AuthorizeUrl(app.ClientId, redirectUri: "https://evil.example.net/steal"),
            flow.AuthorizeUrl(app.ClientId, redirectUri: AuthorizationFlow.RedirectUri + "/more"),
            flow.AuthorizeUrl(Host.Demo.Apps!.User.ClientId), // a client-credentials app has no redirect URI
        })
        {
            using var response = await flow.Browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("cannot be used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DenyingGoesBackToTheAppAsAccessDeniedWithItsState()
    {
        var app = await AppForAnaAsync("Denied app");
        using var flow = new AuthorizationFlow(Host);
        using var signedIn = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId, state: "d-1"), Ana, Password);
        var redirect = await flow.ConsentAsync(signedIn.Headers.Location!.OriginalString, "deny");
        var query = AuthorizationFlow.QueryOf(redirect);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("d-1", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task RefreshTokensRotateAndReusingASpentOneRevokesTheWholeFamily()
    {
        var app = await AppForAnaAsync();
        using var flow = new AuthorizationFlow(Host);
        var (access, first) = await flow.TokensForAsync(app, Ana, Password);

        using var rotated = await flow.RefreshAsync(app, first);
        var (renewedAccess, second) = await AuthorizationFlow.TokensAsync(rotated);
        Assert.NotEqual(first, second);
        using (var api = flow.ApiAs(renewedAccess))
        using (var works = await api.GetAsync(UapiCalls.Events("@me", "0003*210")))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        // The first one, spent, comes back (stolen): refused, and so is everything of its family.
        using (var reused = await flow.RefreshAsync(app, first))
        {
            Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
            Assert.Equal("invalid_grant", await ErrorOfAsync(reused));
        }
        using (var current = await flow.RefreshAsync(app, second))
        {
            Assert.Equal(HttpStatusCode.BadRequest, current.StatusCode);
            Assert.Equal("invalid_grant", await ErrorOfAsync(current));
        }
        foreach (var token in new[] { access, renewedAccess })
        {
            using var api = flow.ApiAs(token);
            Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(api, UapiCalls.Events("@me", "0003*210")));
        }
    }

    [Fact]
    public async Task RevokingTheConsentFromTheCliStopsItsTokensAndAsksForConsentAgain()
    {
        var app = await AppForAnaAsync("Revoked app");
        using var flow = new AuthorizationFlow(Host);
        var (access, refresh) = await flow.TokensForAsync(app, Ana, Password);
        var database = Host.DatabaseArguments; // the server's own database (Settings would create another)

        var listed = await Cli.Cli.RunAsync(Host.DataDirectory, ["consents", "list", "--account", Ana, "--json", .. database]);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.Contains(app.ClientId, listed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Revoked app", listed.Stdout, StringComparison.Ordinal);

        var revoked = await Cli.Cli.RunAsync(Host.DataDirectory, ["consents", "revoke", "--account", Ana, "--client-id", app.ClientId, .. database]);
        Assert.True(revoked.ExitCode == 0, revoked.Stderr);

        using (var api = flow.ApiAs(access))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(api, UapiCalls.Events("@me", "0003*210")));
        }
        using (var refreshed = await flow.RefreshAsync(app, refresh))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        }
        using (var consentPage = await flow.Browser.GetAsync(flow.AuthorizeUrl(app.ClientId)))
        {
            Assert.Equal(HttpStatusCode.OK, consentPage.StatusCode); // the consent page again
            Assert.Contains("Allow Revoked app?", await consentPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var again = await Cli.Cli.RunAsync(Host.DataDirectory, ["consents", "revoke", "--account", Ana, "--client-id", app.ClientId, .. database]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("no consent", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFirstPartyAppSkipsTheConsentPageAndAnotherOrganizationsAppIsNotOffered()
    {
        await AuthorizationFlow.SetPasswordAsync(Host, Ana, Password);
        var console = await AuthorizationFlow.AddAppAsync(Host, name: "Console", firstParty: true);
        using var flow = new AuthorizationFlow(Host);
        using var signedIn = await flow.SignInAsync(flow.AuthorizeUrl(console.ClientId, state: "fp"), Ana, Password);
        using (var direct = await flow.Browser.GetAsync(signedIn.Headers.Location!.OriginalString))
        {
            Assert.Equal(HttpStatusCode.Redirect, direct.StatusCode);
            Assert.Equal("fp", AuthorizationFlow.QueryOf(direct.Headers.Location!)["state"]);
        }

        var otherTenants = await AuthorizationFlow.AddAppAsync(Host, accountId: Host.Demo.Accounts.OtherOrganization, name: "Org 0004 app");
        using var refused = await flow.Browser.GetAsync(flow.AuthorizeUrl(otherTenants.ClientId));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
    }
}
