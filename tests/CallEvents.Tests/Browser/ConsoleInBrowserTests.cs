using System.Text.RegularExpressions;
using CallEvents.Demo;
using CallEvents.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace CallEvents.Tests.Browser;

/// <summary>
/// The console as a person uses it, in a real browser: signed in with a demo login through the
/// server's own authorization endpoint, every page scanned by axe and watched for console errors
/// (a Content-Security-Policy violation is one) and for requests outside loopback.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConsoleInBrowserTests(ConsoleHostFixture fixture, BrowserFixture browser, ITestOutputHelper output) : IClassFixture<ConsoleHostFixture>
{
    private CallEventsHost Host => fixture.Host;

    [BrowserFact]
    public async Task TheLandingAndNotFoundPagesPassTheAccessibilityScanUnderThePagesPolicy()
    {
        await using var session = await BrowserSession.OpenAsync(browser, Host.BaseAddress, output);
        var page = session.Page;
        Assert.Equal(200, await session.GoAsync("/console"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "CallEvents console", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await session.ScreenshotAsync("console-landing");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        Assert.Equal(404, await session.GoAsync("/console/no-such-page"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        session.AssertClean();
    }

    [BrowserFact]
    public async Task SignedInAPersonAddsAnEventSeesATestCallDeliveredLiveDeletesAllAndSignsOut()
    {
        await using var session = await BrowserSession.OpenAsync(browser, Host.BaseAddress, output);
        var page = session.Page;
        await SignInAsync(session, "user-0003-ana");

        // The extensions the demo user may manage, and no one else's.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Extensions", Level = 1 })).ToBeVisibleAsync();
        var extensions = page.GetByRole(AriaRole.Table);
        await Expect(extensions.GetByRole(AriaRole.Link, new() { Name = "0003*210" })).ToBeVisibleAsync();
        await Expect(extensions.GetByRole(AriaRole.Link, new() { Name = "0004*210" })).ToHaveCountAsync(0);
        await session.ScreenshotAsync("console-extensions");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        // Add an event whose URL is this test's receiver.
        await extensions.GetByRole(AriaRole.Link, new() { Name = "0003*210" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Extension 0003*210", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a phone call event" }).ClickAsync();
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        var hook = fixture.Receiver.Url("/hooks/console-flow");
        await page.GetByLabel("Event type").SelectOptionAsync(new SelectOptionValue { Label = "Dial-in" });
        await page.GetByLabel("URL").FillAsync(hook);
        await page.GetByLabel("Method").SelectOptionAsync(new SelectOptionValue { Label = "POST (parameters in a form body)" });
        await page.GetByLabel("Note").FillAsync("added in the browser");
        await session.ScreenshotAsync("console-add-event");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add event" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The phone call event was added.");
        var events = page.GetByRole(AriaRole.Table, new() { Name = "Phone call events" });
        await Expect(events.GetByRole(AriaRole.Row).Filter(new() { HasText = hook })).ToHaveCountAsync(1);
        await session.ScreenshotAsync("console-extension");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        // Its delivery log, open while a test call is placed from another tab: the attempt appears without a reload.
        await events.GetByRole(AriaRole.Link, new() { Name = $"Deliveries of Dial-in event {hook}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Deliveries", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#live-status")).ToContainTextAsync("No deliveries yet.");
        var log = page.GetByRole(AriaRole.Table, new() { Name = "Delivery attempts, newest first" });
        await Expect(log.Locator("tbody tr")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        var caller = await session.NewPageAsync();
        await caller.GotoAsync("/console/extensions/0003*210");
        await caller.GetByLabel("How the call ends").SelectOptionAsync("ANSWER");
        await caller.GetByRole(AriaRole.Button, new() { Name = "Place a test call" }).ClickAsync();
        await Expect(caller.GetByRole(AriaRole.Status)).ToBeVisibleAsync();

        var delivered = await fixture.Receiver.NextAsync(seconds: 30);
        Assert.Equal("POST", delivered.Method);
        Assert.Equal("/hooks/console-flow", delivered.RawTarget);
        var callId = Uri.UnescapeDataString(delivered.Parameter("CallID"));
        var row = log.Locator("tbody tr").Filter(new() { HasText = callId });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(row).ToContainTextAsync("succeeded");
        await Expect(row).ToContainTextAsync("200");
        await Expect(page.Locator("#live-status")).ToContainTextAsync("1 new attempt since this page was loaded");
        await session.ScreenshotAsync("console-deliveries-live");
        await caller.CloseAsync();

        // Delete all, after a confirmation that names what goes.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to extension 0003*210" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete all events" }).ClickAsync();
        await Expect(page.Locator("#what-goes")).ToContainTextAsync("This deletes 1 phone call event of");
        await Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "1 Dial-in" })).ToHaveCountAsync(1);
        await session.ScreenshotAsync("console-delete-confirm");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete 1 event" }).ClickAsync();
        await Expect(page.GetByText("This extension has no phone call events.")).ToBeVisibleAsync();

        // Signed out, the console's pages send the browser back to the sign-in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        // Signed out of the server too: a console page asks for the password again.
        await session.GoAsync("/console/extensions/0003*210");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        Assert.DoesNotMatch(ConsolePage(), new Uri(page.Url).AbsolutePath);
        session.AssertClean();
    }

    [BrowserFact]
    public async Task ASecondTenantSeesOnlyItsOwnExtensionsAndReachesNoneOfTheFirstsByUrl()
    {
        await using var session = await BrowserSession.OpenAsync(browser, Host.BaseAddress, output);
        var page = session.Page;
        await SignInAsync(session, "user-0004-cam");

        var extensions = page.GetByRole(AriaRole.Table);
        await Expect(extensions.GetByRole(AriaRole.Link, new() { Name = "0004*210" })).ToBeVisibleAsync();
        await Expect(extensions.GetByRole(AriaRole.Link)).ToHaveCountAsync(1);
        await Expect(page.GetByText("0003*")).ToHaveCountAsync(0);

        foreach (var path in new[] { "/console/extensions/0003*210", "/console/extensions/0003*210/events/new", "/console/extensions/0003*210/delete" })
        {
            Assert.Equal(404, await session.GoAsync(path));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Extension not found", Level = 1 })).ToBeVisibleAsync();
        }
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        session.AssertClean();
    }

    [BrowserFact]
    public async Task AWrongPasswordAndAnUnknownAccountGetTheSameErrorOnAnAccessibleSignInPage()
    {
        await using var session = await BrowserSession.OpenAsync(browser, Host.BaseAddress, output);
        var page = session.Page;
        await session.GoAsync("/console");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await session.ScreenshotAsync("signin");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);

        var answers = new List<(int Status, string Alert)>();
        foreach (var account in new[] { "user-0003-ana", "user-0003-nobody" })
        {
            var answer = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.Contains("/oauth/signin", StringComparison.Ordinal));
            await SignInPage.FillAsync(page, account, "not-the-password");
            var status = (await answer).Status;
            var alert = page.GetByRole(AriaRole.Alert);
            await Expect(alert).ToBeVisibleAsync();
            answers.Add((status, (await alert.TextContentAsync())!.Trim()));
            Assert.DoesNotContain(account, await page.Locator("main").TextContentAsync() ?? "", StringComparison.Ordinal);
        }
        Assert.Equal(401, answers[0].Status);
        Assert.Equal(answers[0], answers[1]);
        await session.ScreenshotAsync("signin-refused");
        await Accessibility.AssertNoSeriousFindingsAsync(page, output);
        session.AssertClean();
    }

    /// <summary>From the console's landing page through the server's sign-in, with the account's documented demo password, to the extensions.</summary>
    private async Task SignInAsync(BrowserSession session, string account)
    {
        var page = session.Page;
        try
        {
            await session.GoAsync("/console");
            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
            await SignInPage.FillAsync(page, account, DemoTenant.Logins.Single(l => l.AccountId == account).Password);
            // A password hash, a code and a token exchange: on a loaded two-core machine, a bounded wait of a minute.
            await page.WaitForURLAsync(ConsolePage(), new() { Timeout = 60_000 });
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
        {
            // What a failed sign-in needs to be told apart: where the browser went, what it shows, and what the server said.
            output.WriteLine("the pages loaded:\n" + string.Join("\n", session.Visited));
            string? shown;
            try
            {
                shown = await page.Locator("main").TextContentAsync(new() { Timeout = 2_000 });
            }
            catch (Exception missing) when (missing is TimeoutException or PlaywrightException)
            {
                shown = "(no main)";
            }
            output.WriteLine($"stopped at {page.Url}: {shown}");
            output.WriteLine("the server's log:\n" + string.Join("\n", fixture.Logs.Lines.TakeLast(40).Select(l => $"{l.Level} {l.Category}: {l.Message} {l.Exception}")));
            await session.ScreenshotAsync("signin-stuck-" + account);
            throw;
        }
    }

    [GeneratedRegex("/console/extensions")]
    private static partial Regex ConsolePage();
}
