using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallEvents.OAuth;
using CallEvents.OAuth.Tokens;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.Tests.OAuth;

/// <summary>
/// Access tokens carry a stamp of their app's secret instead of a token entry row each
/// (OAuth/Tokens/SecretStamp.cs): no write per token, and a regenerated secret still revokes every token
/// of the app on every node; tokens issued with an entry before the switch keep working, and
/// keep being revocable, until they expire.
/// </summary>
public sealed class SecretStampTests
{
    private const string List = "/uapi/extensions/@me/0003*210/phoneCallEvents";

    [Fact]
    public async Task IssuingTokensWritesNoTokenEntryAndEachTokenCarriesItsAppsStamp()
    {
        await using var host = await CallEventsHost.StartAsync();
        var before = await CountEntriesAsync(host);
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add(await host.TokenAsync(a => a.User));
        }

        Assert.Equal(before, await CountEntriesAsync(host));
        var stamps = tokens.Select(t => Payload(t)[SecretStamp.Claim]!.GetValue<string>()).Distinct().ToList();
        Assert.Single(stamps);
        Assert.All(tokens, t => Assert.Null(Payload(t)[Claims.Private.TokenId]));
        using var client = host.ClientWith(tokens[0]);
        using var ok = await client.GetAsync(List);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ATokenOfASecretRegeneratedByAnotherProcessIsRefusedAtOnceWithoutTheCache()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var token = await host.TokenAsync(a => a.User);
        var bystander = await host.TokenAsync(a => a.Organization);
        using var client = host.ClientWith(token);
        using (var first = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await RegenerateInAnotherProcessAsync(host, host.Demo.Apps!.User.ClientId);

        using var after = await client.GetAsync(List);
        await UapiCalls.AssertErrorAsync(after, HttpStatusCode.Unauthorized, "access_denied");
        using var other = host.ClientWith(bystander);
        using var stillOk = await other.GetAsync(UapiCalls.Events(host.Demo.Apps!.User.AccountId, "0003*210")); // another app's token: untouched
        Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
    }

    [Fact]
    public async Task ACachedTokenOfASecretRegeneratedByAnotherProcessIsRefusedOnceTheCacheWindowHasPassed()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=1"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        using (var first = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // now cached
        }

        await RegenerateInAnotherProcessAsync(host, host.Demo.Apps!.User.ClientId);

        // Bounded wait (the cache's 1 s, with room for a slow machine), never an open loop.
        Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(client, List));
    }

    [Fact]
    public async Task AStampAlteredInsideATokenIsRefusedBecauseTheSignatureCoversIt()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var token = await host.TokenAsync(a => a.User);
        var otherAppsStamp = Payload(await host.TokenAsync(a => a.Organization))[SecretStamp.Claim]!.GetValue<string>();
        Assert.NotEqual(otherAppsStamp, Payload(token)[SecretStamp.Claim]!.GetValue<string>());

        foreach (var stamp in new[] { otherAppsStamp, SecretStamp.Of("a guess"), "" })
        {
            var payload = Payload(token);
            payload[SecretStamp.Claim] = stamp;
            var parts = token.Split('.');
            var altered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
            using var client = host.ClientWith(altered);
            using var response = await client.GetAsync(List);
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
    }

    [Fact]
    public async Task ASignedTokenWithAStaleStampOrWithoutAnyBindingIsRefused()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var token = await host.TokenAsync(a => a.User);
        var (header, payload) = (token.Split('.')[0], Payload(token));

        // Signed with the server's own key, so only the stamp check can refuse them.
        payload[SecretStamp.Claim] = SecretStamp.Of("an earlier concurrency token");
        using (var stale = host.ClientWith(Sign(host, header, payload)))
        using (var response = await stale.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
        payload.Remove(SecretStamp.Claim);
        using (var unbound = host.ClientWith(Sign(host, header, payload)))
        using (var response = await unbound.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
        using var genuine = host.ClientWith(token); // the control: the same token, unaltered, works
        using var ok = await genuine.GetAsync(List);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ASignedTokenNamingAnotherIssuerIsRefused()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var token = await host.TokenAsync(a => a.User);
        var (header, payload) = (token.Split('.')[0], Payload(token));
        Assert.Equal(OAuthOptions.DefaultIssuer, payload["iss"]!.GetValue<string>());

        // Signed with the server's own key and stamped right, so only the issuer check can refuse it.
        payload["iss"] = "https://another-server.invalid/";
        using var foreign = host.ClientWith(Sign(host, header, payload));
        using var response = await foreign.GetAsync(List);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task ATokenIssuedBeforeStampsWithATokenEntryStillWorksAndIsStillRevocable()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=0"]);
        var revokedAlone = await PreSwitchTokenAsync(host);
        var revokedWithSecret = await PreSwitchTokenAsync(host);
        foreach (var (token, _) in new[] { revokedAlone, revokedWithSecret })
        {
            using var client = host.ClientWith(token);
            using var ok = await client.GetAsync(List);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var scope = host.Services.CreateScope())
        {
            var entries = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            Assert.True(await entries.TryRevokeAsync((await entries.FindByIdAsync(revokedAlone.EntryId))!));
        }
        using (var client = host.ClientWith(revokedAlone.Token))
        using (var revoked = await client.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var client = host.ClientWith(revokedWithSecret.Token))
        using (var stillOk = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode);
        }

        await RegenerateInAnotherProcessAsync(host, host.Demo.Apps!.User.ClientId);
        using (var client = host.ClientWith(revokedWithSecret.Token))
        using (var revoked = await client.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "access_denied");
        }
    }

    [Fact]
    public async Task PruningRemovesTheEntriesOfLongExpiredTokensAndKeepsTheOthers()
    {
        await using var host = await CallEventsHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        var old = await CreateEntryAsync(host, now.AddHours(-3), now.AddHours(-2));
        var recent = await CreateEntryAsync(host, now, now.AddHours(1));

        var pruning = host.Services.GetServices<IHostedService>().OfType<TokenEntryPruning>().Single();
        Assert.True(await pruning.PruneAsync(CancellationToken.None) >= 1);

        using var scope = host.Services.CreateScope();
        var entries = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        Assert.Null(await entries.FindByIdAsync(old));
        Assert.NotNull(await entries.FindByIdAsync(recent));
    }

    /// <summary>
    /// A token as the version before stamps issued it: the same claims, with <c>oi_tkn_id</c>
    /// naming its token entry instead of a stamp, signed with the server's key.
    /// </summary>
    private static async Task<(string Token, string EntryId)> PreSwitchTokenAsync(CallEventsHost host)
    {
        var token = await host.TokenAsync(a => a.User);
        var payload = Payload(token);
        var issued = DateTimeOffset.FromUnixTimeSeconds(payload["iat"]!.GetValue<long>());
        var entryId = await CreateEntryAsync(host, issued, issued + OAuthSetup.AccessTokenLifetime);
        payload.Remove(SecretStamp.Claim);
        payload[Claims.Private.TokenId] = entryId;
        return (Sign(host, token.Split('.')[0], payload), entryId);
    }

    private static async Task<string> CreateEntryAsync(CallEventsHost host, DateTimeOffset created, DateTimeOffset expires)
    {
        using var scope = host.Services.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var entries = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var application = await applications.FindByClientIdAsync(host.Demo.Apps!.User.ClientId);
        var entry = await entries.CreateAsync(new OpenIddictTokenDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application!),
            Subject = host.Demo.Apps!.User.AccountId,
            Type = TokenTypeIdentifiers.AccessToken,
            Status = Statuses.Valid,
            CreationDate = created,
            ExpirationDate = expires,
        });
        return (await entries.GetIdAsync(entry))!;
    }

    private static async Task<long> CountEntriesAsync(CallEventsHost host)
    {
        using var scope = host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().CountAsync();
    }

    /// <summary><c>callevents apps regenerate-secret</c>, run as its own process on the host's database.</summary>
    private static async Task RegenerateInAnotherProcessAsync(CallEventsHost host, string clientId)
    {
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var args = new List<string> { "apps", "regenerate-secret", "--client-id", clientId, "--Database:Provider=" + configuration["Database:Provider"] };
        if (configuration["Database:ConnectionString"] is { Length: > 0 } connectionString)
        {
            args.Add("--Database:ConnectionString=" + connectionString);
        }
        var result = await global::CallEvents.Tests.Cli.Cli.RunAsync(host.DataDirectory, [.. args]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private static JsonObject Payload(string token) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!.AsObject();

    private static string Sign(CallEventsHost host, string header, JsonObject payload)
    {
        var key = (ECDsaSecurityKey)host.Services.GetRequiredService<SigningKeys>().Signing.Key;
        var input = $"{header}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        return $"{input}.{Base64Url.EncodeToString(key.ECDsa.SignData(Encoding.ASCII.GetBytes(input), System.Security.Cryptography.HashAlgorithmName.SHA256))}";
    }
}
