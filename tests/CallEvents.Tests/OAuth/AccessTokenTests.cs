using System.Net;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.OAuth;

/// <summary>Contract §3: how a UAPI request carries its token, and every way a token is refused (401 access_denied).</summary>
public sealed class AccessTokenTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private CallEventsHost Host => fixture.Host;
    private const string Events = "/uapi/extensions/@me/0003*210/phoneCallEvents";

    [Fact]
    public async Task TheTokenMayTravelInTheAccessRequestTokenQueryParameter()
    {
        var token = await Host.TokenAsync(a => a.User);
        using var list = await Host.Http.GetAsync($"{Events}?accessRequestToken=Bearer%20{token}&count=5");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var create = await Host.Http.PostAsync($"{Events}?accessRequestToken=Bearer%20{token}",
            UapiCalls.Json("""{"type":"0","method":"1","url":"https://crm.example.com/query-token"}"""));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        // The paging links never repeat the token.
        var page = await UapiCalls.ReadJsonAsync(list);
        Assert.DoesNotContain("accessRequestToken", page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenMayAlsoTravelInTheAccessTokenQueryParameterOfRfc6750()
    {
        var token = await Host.TokenAsync(a => a.User);
        using var list = await Host.Http.GetAsync($"{Events}?access_token={token}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var forged = await Host.Http.GetAsync($"{Events}?access_token={token[..^4]}{(token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA")}");
        await UapiCalls.AssertErrorAsync(forged, HttpStatusCode.Unauthorized, "access_denied");
    }

    public static TheoryData<string, string?> RefusedAuthorizations() => new()
    {
        // description, Authorization header value (null: none)
        { "absent", null },
        { "empty bearer", "Bearer " },
        { "garbage", "Bearer garbage" },
        { "three garbage parts", "Bearer aaa.bbb.ccc" },
        { "other scheme", "Basic dXNlcjpwYXNz" },
        { "a client secret as a token", "Bearer SECRET" },
    };

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task AMissingOrMalformedTokenIsAccessDenied(string description, string? authorization)
    {
        _ = description;
        using var request = new HttpRequestMessage(HttpMethod.Get, Events);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Replace("SECRET", Host.Demo.Apps!.User.ClientSecret, StringComparison.Ordinal));
        }
        using var response = await Host.Http.SendAsync(request);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("Bearer%20garbage")]
    [InlineData("")]
    public async Task ABadQueryTokenIsAccessDenied(string value)
    {
        using var response = await Host.Http.GetAsync($"{Events}?accessRequestToken={value}");
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task ATamperedTokenIsAccessDenied()
    {
        var token = await Host.TokenAsync(a => a.User);
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        // Flip a character of the signature, then of the payload.
        var signature = parts[2][0] == 'A' ? "B" + parts[2][1..] : "A" + parts[2][1..];
        var payload = parts[1][..^2] + (parts[1][^2] == 'A' ? "B" : "A") + parts[1][^1];
        foreach (var tampered in new[] { $"{parts[0]}.{parts[1]}.{signature}", $"{parts[0]}.{payload}.{parts[2]}", $"{parts[0]}.{parts[1]}." })
        {
            using var client = Host.ClientWith(tampered);
            using var response = await client.GetAsync(Events);
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
    }

    [Fact]
    public async Task RegeneratingASecretRevokesEveryTokenOfThatAppAndOnlyOfThatApp()
    {
        IssuedCredentials app;
        using (var scope = Host.Services.CreateScope())
        {
            app = await scope.ServiceProvider.GetRequiredService<AppRegistry>().AddAsync("org-0003", "Soon revoked", trusted: true, CancellationToken.None);
        }
        var first = await Host.TokenAsync(app.ClientId, app.ClientSecret);
        var second = await Host.TokenAsync(app.ClientId, app.ClientSecret);
        var bystander = await Host.TokenAsync(a => a.Organization);
        foreach (var token in new[] { first, second, bystander })
        {
            using var client = Host.ClientWith(token);
            using var ok = await client.GetAsync(Events);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        IssuedCredentials renewed;
        using (var scope = Host.Services.CreateScope())
        {
            renewed = await scope.ServiceProvider.GetRequiredService<AppRegistry>().RegenerateSecretAsync(app.ClientId, CancellationToken.None);
        }

        foreach (var token in new[] { first, second })
        {
            using var client = Host.ClientWith(token);
            using var revoked = await client.GetAsync(Events);
            await UapiCalls.AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "access_denied");
            using var viaQuery = await Host.Http.GetAsync($"{Events}?accessRequestToken=Bearer%20{token}");
            await UapiCalls.AssertErrorAsync(viaQuery, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var client = Host.ClientWith(bystander))
        using (var stillOk = await client.GetAsync(Events))
        {
            Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
        }
        using (var oldSecret = await Host.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = app.ClientId, ["client_secret"] = app.ClientSecret,
        })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
        }
        using var fresh = Host.ClientWith(await Host.TokenAsync(renewed.ClientId, renewed.ClientSecret));
        using var works = await fresh.GetAsync(Events);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }
}
