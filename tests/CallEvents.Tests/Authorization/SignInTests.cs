using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Authorization;

/// <summary>The sign-in page of the authorization endpoint: no enumeration, throttled, antiforgery, no open redirect, its cookie.</summary>
public sealed class SignInTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private CallEventsHost Host => fixture.Host;

    private static async Task<string> MessageOfAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var start = html.IndexOf("role=\"alert\">", StringComparison.Ordinal);
        Assert.True(start >= 0, html);
        start += "role=\"alert\">".Length;
        return html[start..html.IndexOf('<', start)];
    }

    [Fact]
    public async Task AnUnknownAccountAndAWrongPasswordGetTheSameAnswer()
    {
        await AuthorizationFlow.SetPasswordAsync(Host, Host.Demo.Accounts.Colleague, "ben-password-1");
        var app = await AuthorizationFlow.AddAppAsync(Host);
        using var flow = new AuthorizationFlow(Host);
        using var wrong = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), Host.Demo.Accounts.Colleague, "not-his-password");
        using var unknown = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), "nobody-at-all", "not-his-password");
        using var noPassword = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), Host.Demo.Accounts.OtherUser, "not-his-password");
        foreach (var response in new[] { wrong, unknown, noPassword })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("The account or the password is wrong.", await MessageOfAsync(response));
            Assert.DoesNotContain(flow.Cookies.GetCookies(Host.BaseAddress), c => c.Name == "callevents.signin");
        }
    }

    [Fact]
    public async Task SignInsAreThrottledPerAccountWith429AndRetryAfterEvenWithTheRightPassword()
    {
        var dana = Host.Demo.Accounts.Organization;
        await AuthorizationFlow.SetPasswordAsync(Host, dana, "org-password-1");
        var app = await AuthorizationFlow.AddAppAsync(Host);
        using var flow = new AuthorizationFlow(Host);
        for (var attempt = 0; attempt < 5; attempt++) // RateLimiting:FailedSignInsPerAccount
        {
            using var wrong = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), dana, "guess-" + attempt);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var refused = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), dana, "org-password-1");
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("Too many failed sign-ins", await MessageOfAsync(refused), StringComparison.Ordinal);
        Assert.DoesNotContain(flow.Cookies.GetCookies(Host.BaseAddress), c => c.Name == "callevents.signin");
    }

    [Fact]
    public async Task AForgedFormWithoutTheAntiforgeryTokenSignsNoOneInAndConsentsToNothing()
    {
        var ana = Host.Demo.Accounts.User;
        await AuthorizationFlow.SetPasswordAsync(Host, ana, "ana-password-2");
        var app = await AuthorizationFlow.AddAppAsync(Host, name: "Forged");
        using var flow = new AuthorizationFlow(Host);
        var signIn = "/oauth/signin?returnUrl=" + Uri.EscapeDataString(flow.AuthorizeUrl(app.ClientId));
        using var forged = await flow.Browser.PostAsync(signIn, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["Input.Login"] = ana, ["Input.Password"] = "ana-password-2",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(flow.Cookies.GetCookies(Host.BaseAddress), c => c.Name == "callevents.signin");
        // A page that says what happened (it was a blank 400), under the pages' policy.
        Assert.Equal("text/html", forged.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1 id=\"title\">Sign-in form refused</h1>", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(forged.Headers.Contains("Content-Security-Policy"));

        // Signed in for real, a consent posted without the page's token is refused too.
        using var signedIn = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), ana, "ana-password-2");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var page = await flow.Browser.GetAsync(signedIn.Headers.Location!.OriginalString);
        var fields = AuthorizationFlow.HiddenFields(await page.Content.ReadAsStringAsync());
        fields.Remove("__RequestVerificationToken");
        fields["decision"] = "allow";
        using var consent = await flow.Browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, consent.StatusCode);
        Assert.Null(consent.Headers.Location);
        using var stillAsks = await flow.Browser.GetAsync(signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, stillAsks.StatusCode); // no consent was recorded
    }

    [Theory]
    [InlineData("https://evil.example.net/oauth/authorize")]
    [InlineData("//evil.example.net/oauth/authorize")]
    [InlineData("/\\evil.example.net/oauth/authorize")]
    [InlineData("/console")]
    [InlineData("/oauth/authorizeX?client_id=a")]
    public async Task AReturnUrlThatIsNotTheLocalAuthorizationEndpointIsRefused(string returnUrl)
    {
        var ben = Host.Demo.Accounts.Colleague;
        await AuthorizationFlow.SetPasswordAsync(Host, ben, "ben-password-1");
        using var flow = new AuthorizationFlow(Host);
        var signIn = "/oauth/signin?returnUrl=" + Uri.EscapeDataString(returnUrl);
        using var page = await flow.Browser.GetAsync(signIn);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example.net", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlyLaxAndSentToOAuthOnly()
    {
        var ben = Host.Demo.Accounts.Colleague;
        await AuthorizationFlow.SetPasswordAsync(Host, ben, "ben-password-1");
        var app = await AuthorizationFlow.AddAppAsync(Host, name: "Cookie app");
        using var flow = new AuthorizationFlow(Host);
        using var signedIn = await flow.SignInAsync(flow.AuthorizeUrl(app.ClientId), ben, "ben-password-1");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var setCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("callevents.signin=", StringComparison.Ordinal));
        Assert.Contains("path=/oauth", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here; Secure on HTTPS (SameAsRequest)
    }
}
