using System.Net;
using System.Text.Json;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.OAuth;

/// <summary>
/// Only a trusted app may have tokens (contract §2): an app untrusted or removed, in process or
/// by <c>callevents apps untrust|remove</c> in another process, loses the tokens it holds within
/// <c>OAuth:ValidatedTokenCacheSeconds</c>, because validation checks its app's trusted flag and
/// existence along with its secret stamp (OAuth/Tokens/SecretStamp.cs).
/// </summary>
public sealed class AppTrustTests
{
    private static readonly string List = UapiCalls.Events("@me", "0003*210");

    [Fact]
    public async Task AnAppUntrustedInProcessLosesItsTokensAtOnceGetsNoNewOnesAndTrustedAgainOnlyNewTokensWork()
    {
        await using var host = await CallEventsHost.StartAsync();
        var app = host.Demo.Apps!.User;
        var token = await host.TokenAsync(app.ClientId, app.ClientSecret);
        using var client = host.ClientWith(token);
        using (var ok = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // now cached for 2 s
        }

        await SetTrustedAsync(host, app.ClientId, false);

        using (var refused = await client.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var noToken = await RequestTokenAsync(host, app))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
            Assert.Equal("unauthorized_client", (await UapiCalls.ReadJsonAsync(noToken)).GetProperty("error").GetString());
        }
        using (var bystander = host.ClientWith(await host.TokenAsync(a => a.Organization)))
        using (var stillOk = await bystander.GetAsync(UapiCalls.Events(app.AccountId, "0003*210")))
        {
            Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode); // another app's token: untouched
        }

        await SetTrustedAsync(host, app.ClientId, true);
        using (var renewed = host.ClientWith(await host.TokenAsync(app.ClientId, app.ClientSecret)))
        using (var works = await renewed.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }
        using var old = await client.GetAsync(List);
        await UapiCalls.AssertErrorAsync(old, HttpStatusCode.Unauthorized, "access_denied"); // trusting again revives no old token
    }

    [Fact]
    public async Task ATokenOfAnAppUntrustedByTheCliInAnotherProcessIsRefusedWithinTheCacheWindow()
    {
        await using var host = await CallEventsHost.StartAsync();
        var app = host.Demo.Apps!.User;
        using var client = host.ClientWith(await host.TokenAsync(app.ClientId, app.ClientSecret));
        using (var ok = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode); // now cached
        }

        var answer = await CliJsonAsync(host, "apps", "untrust", "--client-id", app.ClientId);
        Assert.Equal(app.ClientId, answer.GetProperty("clientId").GetString());
        Assert.False(answer.GetProperty("trusted").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(client, List));
        using var refused = await client.GetAsync(List);
        await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task ATokenOfAnAppRemovedByTheCliIsRefusedWithinTheCacheWindowAndTheEventsItRegisteredAreGone()
    {
        await using var host = await CallEventsHost.StartAsync();
        var app = host.Demo.Apps!.User;
        using var client = host.ClientWith(await host.TokenAsync(app.ClientId, app.ClientSecret));
        var removedWithIt = await UapiCalls.CreateAsync(client, "@me", "0003*210", url: "https://crm.example.com/hooks/removed");
        using var organization = host.ClientWith(await host.TokenAsync(a => a.Organization));
        var kept = await UapiCalls.CreateAsync(organization, "@owner", "0003*210", url: "https://crm.example.com/hooks/kept");

        var answer = await CliJsonAsync(host, "apps", "remove", "--client-id", app.ClientId);
        Assert.True(answer.GetProperty("removed").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(client, List));
        using (var refused = await client.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var noToken = await RequestTokenAsync(host, app))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
            Assert.Equal("invalid_client", (await UapiCalls.ReadJsonAsync(noToken)).GetProperty("error").GetString());
        }
        using var listed = await organization.GetAsync(UapiCalls.Events(app.AccountId, "0003*210"));
        var ids = await UapiCalls.IdsAsync(listed);
        Assert.Contains(kept, ids);
        Assert.DoesNotContain(removedWithIt, ids);

        var again = await global::CallEvents.Tests.Cli.Cli.RunAsync(host.DataDirectory, ["apps", "remove", "--client-id", app.ClientId, "--json", .. host.DatabaseArguments]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains($"No app '{app.ClientId}'", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATrustedFlagClearedInTheDatabaseEndsTheAppsTokensThoughItsSecretStampIsUnchanged()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var app = host.Demo.Apps!.User;
        using var client = host.ClientWith(await host.TokenAsync(app.ClientId, app.ClientSecret));
        using (var ok = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await Secrets.RawDatabase.ExecuteAsync(host, "UPDATE apps SET trusted = @trusted WHERE client_id = @id", ("trusted", false), ("id", app.ClientId));

        using var refused = await client.GetAsync(List);
        await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "access_denied");
    }

    private static async Task SetTrustedAsync(CallEventsHost host, string clientId, bool trusted)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AppRegistry>().SetTrustedAsync(clientId, trusted, CancellationToken.None);
    }

    private static Task<HttpResponseMessage> RequestTokenAsync(CallEventsHost host, IssuedCredentials app) =>
        host.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
        }));

    /// <summary>A CLI command as its own process on the host's database; its JSON answer.</summary>
    private static async Task<JsonElement> CliJsonAsync(CallEventsHost host, params string[] args)
    {
        var result = await global::CallEvents.Tests.Cli.Cli.RunAsync(host.DataDirectory, [.. args, "--json", .. host.DatabaseArguments]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }
}
