using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallEvents.Accounts;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Authorization;

/// <summary>
/// A person's browser on the authorization endpoint, as far as HTTP goes: a cookie container, no
/// automatic redirects (each is looked at), forms read from the real pages (their hidden fields,
/// the antiforgery token among them) and posted back as a browser posts them.
/// </summary>
public sealed partial class AuthorizationFlow : IDisposable
{
    public const string RedirectUri = "https://crm.example.com/oauth/callback";

    private readonly Uri _server;
    private readonly HttpClient _app;

    public CookieContainer Cookies { get; } = new();
    public HttpClient Browser { get; }
    public string Verifier { get; } = Base64Url(RandomNumberGenerator.GetBytes(32));
    public string Challenge => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public AuthorizationFlow(CallEventsHost host) : this(host.BaseAddress)
    {
    }

    public AuthorizationFlow(Uri server)
    {
        _server = server;
        Browser = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = server };
        _app = new HttpClient { BaseAddress = server }; // the app's own requests (token endpoint): not the browser's cookies
    }

    /// <summary>Registers an app with <see cref="RedirectUri"/> on <paramref name="accountId"/>, in process, as <c>apps add --redirect-uri</c> does.</summary>
    public static async Task<IssuedCredentials> AddAppAsync(CallEventsHost host, string accountId = "admin", string name = "CRM Connect", bool firstParty = false,
        params string[] redirectUris)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppRegistry>().AddAsync(accountId, name, trusted: false,
            redirectUris.Length == 0 ? [new Uri(RedirectUri)] : [.. redirectUris.Select(u => new Uri(u))], firstParty, CancellationToken.None);
    }

    public static async Task SetPasswordAsync(CallEventsHost host, string accountId, string password)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountPasswords>().SetAsync(accountId, password, CancellationToken.None);
    }

    public string AuthorizeUrl(string clientId, string state = "st-123", string? redirectUri = RedirectUri, bool pkce = true, string path = "/oauth/authorize") =>
        QueryHelpers.AddQueryString(path, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["state"] = state,
            ["code_challenge"] = pkce ? Challenge : null,
            ["code_challenge_method"] = pkce ? "S256" : null,
        }.Where(p => p.Value is not null));

    /// <summary>Follows the authorization request to the sign-in page and signs in; the answer to the sign-in form.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string authorizeUrl, string login, string password)
    {
        using var authorize = await Browser.GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var signIn = authorize.Headers.Location!.OriginalString;
        Assert.StartsWith("/oauth/signin?returnUrl=", signIn, StringComparison.Ordinal);
        return await SubmitSignInAsync(signIn, login, password);
    }

    /// <summary>GETs a sign-in page and posts its form with these credentials.</summary>
    public async Task<HttpResponseMessage> SubmitSignInAsync(string signInUrl, string login, string password)
    {
        using var page = await Browser.GetAsync(signInUrl);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"sign-in page: {(int)page.StatusCode} {html}");
        var fields = HiddenFields(html);
        fields["Input.Login"] = login;
        fields["Input.Password"] = password;
        return await Browser.PostAsync(signInUrl, new FormUrlEncodedContent(fields));
    }

    /// <summary>The whole flow for a signed-out person: sign in, consent (when asked), and the redirect to the app; its Location.</summary>
    public async Task<Uri> AuthorizeAsync(string clientId, string login, string password, string state = "st-123")
    {
        using var signedIn = await SignInAsync(AuthorizeUrl(clientId, state), login, password);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in: {(int)signedIn.StatusCode} {await signedIn.Content.ReadAsStringAsync()}");
        return await ConsentAsync(signedIn.Headers.Location!.OriginalString, "allow");
    }

    /// <summary>GETs an authorization URL as a signed-in person; answers the consent page, if any, with <paramref name="decision"/>; the redirect to the app.</summary>
    public async Task<Uri> ConsentAsync(string authorizeUrl, string decision)
    {
        using var consent = await Browser.GetAsync(authorizeUrl);
        if (consent.StatusCode == HttpStatusCode.Redirect)
        {
            return consent.Headers.Location!; // consented before, or a first-party app
        }
        var html = await consent.Content.ReadAsStringAsync();
        Assert.True(consent.StatusCode == HttpStatusCode.OK, $"consent page: {(int)consent.StatusCode} {html}");
        var fields = HiddenFields(html);
        fields["decision"] = decision;
        using var answer = await Browser.PostAsync(FormAction(html), new FormUrlEncodedContent(fields));
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"consent: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        return answer.Headers.Location!;
    }

    public static Dictionary<string, string?> QueryOf(Uri redirect) =>
        QueryHelpers.ParseQuery(redirect.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());

    public Task<HttpResponseMessage> RedeemAsync(IssuedCredentials app, string code, string? verifier = null, string redirectUri = RedirectUri) =>
        _app.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["code_verifier"] = verifier ?? Verifier,
        }));

    public Task<HttpResponseMessage> RefreshAsync(IssuedCredentials app, string refreshToken) =>
        _app.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
        }));

    /// <summary>The access and refresh tokens of a successful token answer.</summary>
    public static async Task<(string Access, string Refresh)> TokensAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>The whole flow down to the tokens.</summary>
    public async Task<(string Access, string Refresh)> TokensForAsync(IssuedCredentials app, string login, string password)
    {
        var code = QueryOf(await AuthorizeAsync(app.ClientId, login, password))["code"]!;
        using var redeemed = await RedeemAsync(app, code);
        return await TokensAsync(redeemed);
    }

    public HttpClient ApiAs(string accessToken)
    {
        var client = new HttpClient { BaseAddress = _server };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static Dictionary<string, string?> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string?>();
        foreach (Match input in Input().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.Ordinal))
            {
                continue;
            }
            var name = Attribute(tag, "name");
            if (name is not null)
            {
                fields[name] = Attribute(tag, "value") ?? "";
            }
        }
        return fields;
    }

    public static string FormAction(string html) => Attribute(Form().Match(html).Value, "action") ?? throw new InvalidOperationException("no form action");

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex Input();

    [GeneratedRegex("<form[^>]*>")]
    private static partial Regex Form();

    public void Dispose()
    {
        Browser.Dispose();
        _app.Dispose();
    }
}
