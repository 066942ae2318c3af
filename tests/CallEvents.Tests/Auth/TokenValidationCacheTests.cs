using System.Net;
using CallEvents.OAuth;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace CallEvents.Tests.Auth;

/// <summary>
/// Validated tokens are cached for a bounded time (OAuth/Tokens/TokenValidationCache.cs); revocation must
/// still win: at once when the secret is regenerated in this process, within the bound otherwise.
/// </summary>
public sealed class TokenValidationCacheTests
{
    private const string List = "/uapi/extensions/@me/0003*210/phoneCallEvents";

    [Fact]
    public async Task ACachedTokenIsRefusedAtOnceWhenItsAppSecretIsRegeneratedInThisProcess()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=3600"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        using (var first = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // now cached
        }

        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppRegistry>().RegenerateSecretAsync(host.Demo.Apps!.User.ClientId, CancellationToken.None);
        }

        using var after = await client.GetAsync(List);
        await UapiCalls.AssertErrorAsync(after, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task ATokenRevokedByAnotherNodeIsRefusedOnceTheCacheBoundHasPassed()
    {
        await using var host = await CallEventsHost.StartAsync(["OAuth:ValidatedTokenCacheSeconds=1"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        using (var first = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // What another node's regeneration leaves in the shared database: the token entries
        // revoked, and nothing said to this process.
        using (var scope = host.Services.CreateScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(host.Demo.Apps!.User.ClientId);
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            await tokens.RevokeByApplicationIdAsync((await applications.GetIdAsync(application!))!);
        }

        // Bounded wait (the cache's 1 s, with room for a slow machine), never an open loop.
        Assert.Equal(HttpStatusCode.Unauthorized, await UapiCalls.StatusOnceNotOkAsync(client, List));
    }

    [Fact]
    public async Task AnInvalidTokenIsRefusedEvenRightAfterAValidOneWasCached()
    {
        await using var host = await CallEventsHost.StartAsync();
        var token = await host.TokenAsync(a => a.User);
        using var client = host.ClientWith(token);
        using (var first = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var forged = host.ClientWith(token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));
        using var response = await forged.GetAsync(List);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
    }
}
