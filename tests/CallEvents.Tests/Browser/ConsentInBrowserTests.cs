using System.Text.RegularExpressions;
using CallEvents.Demo;
using CallEvents.Tests.Authorization;
using CallEvents.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CallEvents.Tests.Browser;

/// <summary>
/// A third-party app's authorization request, in a real browser: the sign-in page, the consent
/// page (scanned by axe like every other page), and the app's redirect URI reached with a code
/// and the request's state. The app's redirect URI is a loopback receiver, so the browser never
/// leaves loopback.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConsentInBrowserTests(ConsoleHostFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<ConsoleHostFixture>
{
    private CallEventsHost Host => fixture.Host;

    [BrowserFact]
    public async Task APersonSignsInReadsWhatTheAppMayDoAllowsItAndTheAppGetsACodeWithItsState()
    {
        var callback = fixture.Receiver.Url("/crm/callback");
        var app = await AuthorizationFlow.AddAppAsync(Host, "admin", "CRM Connect", firstParty: false, callback);
        using var flow = new AuthorizationFlow(Host);

        await using var session = await BrowserSession.OpenAsync(browser, Host.BaseAddress, output);
        var page = session.Page;
        await session.GoAsync(flow.AuthorizeUrl(app.ClientId, state: "st-browser", redirectUri: callback));
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        await SignInPage.FillAsync(page, "user-0003-ana", DemoTenant.Logins.Single(l => l.AccountId == "user-0003-ana").Password);

        // The consent page names the app, who registered it, the account it will act as, and what it may do.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Allow CRM Connect?", Level = 1 })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByText("user-0003-ana", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "phone call events" })).ToHaveCountAsync(1);
        await session.ScreenshotAsync("consent");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await page.WaitForURLAsync(Callback(), new() { Timeout = 60_000 });
        var arrived = await fixture.Receiver.NextAsync();
        Assert.Equal("GET", arrived.Method);
        Assert.StartsWith("/crm/callback?", arrived.RawTarget, StringComparison.Ordinal);
        Assert.Equal("st-browser", arrived.Parameter("state"));
        var code = Uri.UnescapeDataString(arrived.Parameter("code"));
        Assert.False(string.IsNullOrEmpty(code));

        // The code is the app's, for this verifier and redirect URI: redeemed once, it is a token.
        using var redeemed = await flow.RedeemAsync(app, code, redirectUri: callback);
        Assert.True(redeemed.IsSuccessStatusCode, await redeemed.Content.ReadAsStringAsync());
        session.AssertClean();
    }

    [GeneratedRegex("/crm/callback\\?")]
    private static partial Regex Callback();
}
