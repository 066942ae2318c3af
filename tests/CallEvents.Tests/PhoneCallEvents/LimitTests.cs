using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>A server whose per-extension limit is 3 (PhoneCallEvents:MaxPerExtension).</summary>
public sealed class SmallLimitFixture : IAsyncLifetime
{
    public CallEventsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await CallEventsHost.StartAsync(["PhoneCallEvents:MaxPerExtension=3"]);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Contract §7: more than the per-extension limit is pce_limit_exceeded, exactly, even under racing creates.</summary>
public sealed class LimitTests(SmallLimitFixture fixture) : IClassFixture<SmallLimitFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);

    [Fact]
    public async Task TheFourthEventOnAnExtensionIsPceLimitExceededAndDeletingMakesRoomAgain()
    {
        var client = await _clients.UserAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Hooks.CreateAsync(client, "@me", "0003*210", type: i));
        }
        using var fourth = await client.PostAsync(UapiCalls.Events("@me", "0003*210"), UapiCalls.Json("""{"type":"3","method":"1","url":"https://crm.example.com/4"}"""));
        await UapiCalls.AssertErrorAsync(fourth, HttpStatusCode.BadRequest, "pce_limit_exceeded");
        Assert.Equal(ids.Order(StringComparer.Ordinal), await _clients.IdsOnAsync("0003*210"));

        // The limit is per extension: Ana's other extension still has room.
        await Hooks.CreateAsync(client, "@me", "0003*211");

        using (await client.DeleteAsync(UapiCalls.Events("@me", "0003*210", "0", ids[0])))
        {
        }
        await Hooks.CreateAsync(client, "@me", "0003*210", type: 3);
    }

    [Fact]
    public async Task RacingCreatesNeverExceedTheLimit()
    {
        var admin = await _clients.AdminAsync();
        using (await admin.DeleteAsync(UapiCalls.Events("@owner", "0003*212")))
        {
        }
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            admin.PostAsync(UapiCalls.Events("@owner", "0003*212"), UapiCalls.Json($$"""{"type":"0","method":"1","url":"https://crm.example.com/race{{i}}"}"""))));
        try
        {
            Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "pce_limit_exceeded");
            }
            Assert.Equal(3, (await _clients.IdsOnAsync("0003*212")).Count);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
