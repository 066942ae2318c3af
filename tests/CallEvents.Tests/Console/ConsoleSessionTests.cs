using System.Net;
using CallEvents.Demo;
using CallEvents.Web;

namespace CallEvents.Tests.Console;

/// <summary>The console's way in and out: the sign-in through the server's own authorization endpoint, its session cookie, the sign-out.</summary>
public sealed class ConsoleSessionTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly DemoAccounts Ids = DemoTenant.Ids;

    [Fact]
    public async Task TheLandingPageInvitesToSignInWithAStrictContentSecurityPolicy()
    {
        using var browser = new ConsoleBrowser(fixture.Host);
        using var response = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PageSecurityHeaders.Policy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("<h1>CallEvents console</h1>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/signin\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APageAskedForWithoutASessionGoesToTheSignInAndComesBackToIt()
    {
        using var browser = new ConsoleBrowser(fixture.Host);
        using var response = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console/extensions/0003*210"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/signin?returnUrl=" + Uri.EscapeDataString("/console/extensions/0003*210"), response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SigningInGoesThroughTheAuthorizationEndpointWithPkceAndGivesAnHttpOnlyLaxCookieForTheConsoleOnly()
    {
        using var browser = new ConsoleBrowser(fixture.Host);
        using var challenge = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console/signin"));
        var authorize = challenge.Headers.Location!.OriginalString;
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith("/oauth/authorize?", authorize, StringComparison.Ordinal);
        Assert.Contains("code_challenge_method=S256", authorize, StringComparison.Ordinal);
        Assert.Contains("client_id=callevents-console", authorize, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(new Uri(fixture.Host.BaseAddress, "/console/signin-callback").ToString()), authorize, StringComparison.Ordinal);

        await browser.SignInAsync(Ids.User, ConsoleFixture.Password);

        Assert.Equal("Extensions", browser.Heading);
        using var again = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console"));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode); // signed in: straight to the extensions
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlySameSiteLaxAndScopedToTheConsole()
    {
        using var browser = new ConsoleBrowser(fixture.Host);
        var (_, _) = await browser.GetAsync("/console/signin");
        var fields = ConsoleBrowser.HiddenFields(browser.Html);
        fields["Input.Login"] = Ids.User;
        fields["Input.Password"] = ConsoleFixture.Password;
        // Follow by hand up to the console's callback, whose answer sets the session cookie.
        using var signedIn = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Post, browser.Location) { Content = new FormUrlEncodedContent(fields) });
        var next = signedIn.Headers.Location!.OriginalString;
        HttpResponseMessage answer;
        for (var hops = 0; ; hops++)
        {
            Assert.True(hops < 6, "no session cookie was set on the way back");
            answer = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, next));
            if (answer.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith("callevents.console=", StringComparison.Ordinal)))
            {
                break;
            }
            next = answer.Headers.Location!.OriginalString;
            answer.Dispose();
        }
        var session = answer.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("callevents.console=", StringComparison.Ordinal)).ToLowerInvariant();
        answer.Dispose();

        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session, StringComparison.Ordinal);
        Assert.Contains("path=/console", session, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", session, StringComparison.Ordinal); // plain HTTP here: Secure on HTTPS only (SameAsRequest)
    }

    [Fact]
    public async Task SigningOutEndsTheSessionAndIsAFormWithAnAntiforgeryToken()
    {
        using var browser = await fixture.SignedInAsync(Ids.User);

        var (refused, _) = await browser.PostAsync("/console/signout", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        var (stillIn, _) = await browser.GetAsync("/console/extensions");
        Assert.Equal(HttpStatusCode.OK, stillIn);
        Assert.Equal("/console/extensions", browser.Location);

        var (signedOut, _) = await browser.PostAsync("/console/signout");
        Assert.Equal(HttpStatusCode.OK, signedOut);
        Assert.Contains("You are signed out.", browser.Html, StringComparison.Ordinal);
        using var after = await browser.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console/extensions"));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/console/signin", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACopiedSessionCookieStopsWorkingOnceItsSessionHasSignedOut()
    {
        using var browser = await fixture.SignedInAsync(Ids.User);
        var copied = browser.ConsoleCookies;
        Assert.Contains("callevents.console=", copied, StringComparison.Ordinal);
        using var elsewhere = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Host.BaseAddress };
        using (var before = new HttpRequestMessage(HttpMethod.Get, "/console/extensions"))
        {
            before.Headers.Add("Cookie", copied);
            using var answer = await elsewhere.SendAsync(before);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        await browser.PostAsync("/console/signout");

        using var after = new HttpRequestMessage(HttpMethod.Get, "/console/extensions");
        after.Headers.Add("Cookie", copied);
        using var refused = await elsewhere.SendAsync(after);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/console/signin", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsolesOwnConsentIsListedAndRevokingItEndsTheSession()
    {
        using var ben = await fixture.SignedInAsync(Ids.Colleague);

        var (status, _) = await ben.GetAsync("/console/consents");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Consents", ben.Heading);
        Assert.Contains("<code>callevents-console</code>", ben.Html, StringComparison.Ordinal);

        var (revoked, _) = await ben.PostAsync("/console/consents/callevents-console/revoke");
        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.Contains("You are signed out.", ben.Html, StringComparison.Ordinal);
        using var after = await ben.RawAsync(new HttpRequestMessage(HttpMethod.Get, "/console/consents"));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example.com/")]
    [InlineData("//evil.example.com/console")]
    [InlineData("/\\evil.example.com")]
    public async Task ASignInComesBackOnlyToAConsolePageOfThisServer(string returnUrl)
    {
        Assert.Equal("/console/extensions", Web.Console.Endpoints.SignInEndpoints.LocalReturn(returnUrl));
        using var browser = new ConsoleBrowser(fixture.Host);
        var (status, _) = await browser.GetAsync("/console/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.OK, status); // the sign-in page, and after it the console's own list
        var fields = ConsoleBrowser.HiddenFields(browser.Html);
        fields["Input.Login"] = Ids.User;
        fields["Input.Password"] = ConsoleFixture.Password;
        var (_, _) = await browser.PostAsync(browser.Location, fields.ToDictionary(), withToken: false);
        Assert.Equal("/console/extensions", browser.Location);
    }
}
