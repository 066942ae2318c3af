using System.Net;
using System.Text.RegularExpressions;
using CallEvents.Accounts;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Console;

/// <summary>
/// A person at the console, as a browser would be: one cookie jar, redirects followed one by one
/// (so each answer can be looked at), forms posted with the fields their page rendered. It signs
/// in through the real flow: /console/signin → /oauth/authorize → the sign-in page → back to the
/// console's callback → the console.
/// </summary>
public sealed partial class ConsoleBrowser : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;

    public ConsoleBrowser(CallEventsHost host)
    {
        Host = host;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
    }

    public CallEventsHost Host { get; }

    public HttpClient Http => _http;

    /// <summary>The last page's HTML (its forms' antiforgery token is taken from it).</summary>
    public string Html { get; private set; } = "";

    /// <summary>The Cookie header this browser sends to the console (to replay it from elsewhere, as a thief would).</summary>
    public string ConsoleCookies => _cookies.GetCookieHeader(new Uri(Host.BaseAddress, "/console/extensions"));

    /// <summary>The path and query of the last page.</summary>
    public string Location { get; private set; } = "";

    public static async Task SetPasswordAsync(CallEventsHost host, string accountId, string password)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountPasswords>().SetAsync(accountId, password, CancellationToken.None);
    }

    /// <summary>Signs in with the console's own flow and lands on the extensions page.</summary>
    public async Task SignInAsync(string login, string password)
    {
        var (status, _) = await GetAsync("/console/signin");
        Assert.True(status == HttpStatusCode.OK && Location.StartsWith("/oauth/signin", StringComparison.Ordinal), $"expected the sign-in page, got {(int)status} {Location}");
        var fields = HiddenFields(Html);
        fields["Input.Login"] = login;
        fields["Input.Password"] = password;
        var (signedIn, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Post, Location) { Content = new FormUrlEncodedContent(fields) });
        Assert.True(signedIn == HttpStatusCode.OK && Location == "/console/extensions", $"expected the extensions page, got {(int)signedIn} {Location}: {Html}");
    }

    /// <summary>GETs a page, following redirects; the last answer's status and content type.</summary>
    public Task<(HttpStatusCode Status, string? ContentType)> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>POSTs a form with the last page's antiforgery token (unless <paramref name="withToken"/> is false), following redirects.</summary>
    public Task<(HttpStatusCode Status, string? ContentType)> PostAsync(string path, Dictionary<string, string?>? fields = null, bool withToken = true)
    {
        var form = new Dictionary<string, string?>(fields ?? []);
        if (withToken)
        {
            var token = Token(Html) ?? throw new InvalidOperationException("The last page has no antiforgery token: " + Location);
            form["__RequestVerificationToken"] = token;
        }
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });
    }

    /// <summary>The first answer itself, not followed (for headers and cookies).</summary>
    public async Task<HttpResponseMessage> RawAsync(HttpRequestMessage request) => await _http.SendAsync(request);

    private async Task<(HttpStatusCode, string?)> SendAsync(HttpRequestMessage request)
    {
        for (var hops = 0; ; hops++)
        {
            Assert.True(hops < 12, "too many redirects: " + request.RequestUri);
            using var response = await _http.SendAsync(request);
            var uri = request.RequestUri!;
            Location = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
            if ((int)response.StatusCode is 301 or 302 or 303 or 307 && response.Headers.Location is { } next)
            {
                var target = next.IsAbsoluteUri ? next : new Uri(new Uri(Host.BaseAddress, uri), next);
                Assert.True(target.Authority == Host.BaseAddress.Authority, "a redirect off the server: " + target);
                request.Dispose();
                request = new HttpRequestMessage(HttpMethod.Get, target.PathAndQuery);
                continue;
            }
            Html = await response.Content.ReadAsStringAsync();
            request.Dispose();
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        }
    }

    public static string? Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public static Dictionary<string, string?> HiddenFields(string html) =>
        HiddenPattern().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => (string?)WebUtility.HtmlDecode(m.Groups["value"].Value));

    /// <summary>The text of the page's h1.</summary>
    public string Heading => H1Pattern().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", "")).Trim() : "";

    [GeneratedRegex("""name="__RequestVerificationToken" value="([^"]+)""")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)""")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex("<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex H1Pattern();

    public void Dispose() => _http.Dispose();
}
