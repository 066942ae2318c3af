using System.Net;
using System.Text.Json;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.OAuth;

/// <summary>Contract §3: the token endpoint, its answers and its RFC 6749 failures.</summary>
public sealed class TokenEndpointTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private CallEventsHost Host => fixture.Host;

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string path, IDictionary<string, string> form)
    {
        var response = await Host.Http.PostAsync(path, new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.Clone(), response);
    }

    private static Dictionary<string, string> Credentials(IssuedCredentials app, params (string Key, string Value)[] extra)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
        };
        foreach (var (key, value) in extra)
        {
            form[key] = value;
        }
        return form;
    }

    [Theory]
    [InlineData("/oauth/token.php")]
    [InlineData("/oauth/token")]
    public async Task BothTokenPathsIssueAOneHourBearerTokenOfTheAllowedCharacters(string path)
    {
        var (status, body, response) = await PostAsync(path, Credentials(Host.Demo.Apps!.User,
            ("type", "unifiedapi"), ("redirect_uri", "https://crm.example.com/callback"), ("state", "xyz 123")));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            var token = body.GetProperty("access_token").GetString()!;
            Assert.Matches("^[A-Za-z0-9_.-]+$", token);
            Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
            Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

            using var client = Host.ClientWith(token);
            using var list = await client.GetAsync(UapiCalls.Events("@me", "0003*210"));
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
    }

    [Fact]
    public async Task TheTokenAnswerIsCompactJsonAsTheContractWritesIt()
    {
        using var response = await Host.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(Credentials(Host.Demo.Apps!.User)));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^\\{\"access_token\":\"[A-Za-z0-9_.-]+\",\"token_type\":\"Bearer\",\"expires_in\":3600\\}$", text);
    }

    [Fact]
    public async Task EveryTokenIsDifferent()
    {
        var tokens = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add(await Host.TokenAsync(a => a.Organization));
        }
        Assert.Equal(5, tokens.Count);
    }

    public static TheoryData<string, string?, string> WrongClients() => new()
    {
        // client id (null: the demo user app's), secret, what is wrong
        { "app_doesnotexist", "anything", "unknown client" },
        { "user", "wrong-secret", "wrong secret" },
        { "organization", null, "another app's secret" },
    };

    [Theory]
    [MemberData(nameof(WrongClients))]
    public async Task AnUnknownClientOrAWrongSecretIsInvalidClientWith401(string clientId, string? secret, string why)
    {
        var apps = Host.Demo.Apps!;
        var id = clientId switch { "user" => apps.User.ClientId, "organization" => apps.Organization.ClientId, _ => clientId };
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = id,
            ["client_secret"] = secret ?? apps.User.ClientSecret,
        };
        var (status, body, response) = await PostAsync("/oauth/token.php", form);
        using (response)
        {
            Assert.True(status == HttpStatusCode.Unauthorized, $"{why}: {(int)status} {body}");
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
            Assert.False(body.TryGetProperty("access_token", out _));
        }
    }

    [Fact]
    public async Task MissingClientCredentialsAreInvalidRequest()
    {
        foreach (var missing in new[] { "client_id", "client_secret" })
        {
            var form = Credentials(Host.Demo.Apps!.User);
            form[missing] = "";
            var (status, body, response) = await PostAsync("/oauth/token.php", form);
            using (response)
            {
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Equal("invalid_request", body.GetProperty("error").GetString());
            }
        }
    }

    [Theory]
    [InlineData("password")]
    [InlineData("authorization_code")]
    [InlineData("refresh_token")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    [InlineData("nonsense")]
    public async Task AnotherGrantTypeIsUnsupportedGrantTypeWith400(string grantType)
    {
        var form = Credentials(Host.Demo.Apps!.User, ("username", "ana"), ("password", "x"), ("code", "x"), ("refresh_token", "x"));
        form["grant_type"] = grantType;
        var (status, body, response) = await PostAsync("/oauth/token", form);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task AMissingGrantTypeOrAJsonBodyIsInvalidRequest()
    {
        var form = Credentials(Host.Demo.Apps!.User);
        form.Remove("grant_type");
        var (status, body, response) = await PostAsync("/oauth/token.php", form);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        }

        using var json = await Host.Http.PostAsync("/oauth/token.php", UapiCalls.Json(Credentials(Host.Demo.Apps!.User)));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("invalid_request", (await UapiCalls.ReadJsonAsync(json)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnAppThatIsNotTrustedMayNotUseClientCredentials()
    {
        IssuedCredentials untrusted;
        using (var scope = Host.Services.CreateScope())
        {
            untrusted = await scope.ServiceProvider.GetRequiredService<AppRegistry>().AddAsync("user-0003-ana", "Untrusted", trusted: false, CancellationToken.None);
        }
        var (status, body, response) = await PostAsync("/oauth/token.php", Credentials(untrusted));
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
            Assert.False(body.TryGetProperty("access_token", out _));
        }
    }

    [Fact]
    public async Task AnAppCannotBeRegisteredToAServiceProvider()
    {
        using var scope = Host.Services.CreateScope();
        var apps = scope.ServiceProvider.GetRequiredService<AppRegistry>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => apps.AddAsync("sp-demo", "No", trusted: true, CancellationToken.None));
    }
}
