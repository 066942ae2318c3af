using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Storage;

/// <summary>
/// Database:Durability=Full with group commit (Storage/Sqlite/GroupCommit.cs): concurrent writes wait for
/// a shared flush before their answer; none may be lost, refused or left hanging. Token requests
/// write too (a token entry each) and queue at the same write gate (Storage/Sqlite/GatedSaveChanges.cs).
/// </summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentCreatesUnderFullDurabilityAreAllAcknowledgedAndKept()
    {
        await using var host = await CallEventsHost.StartAsync(["Database:Durability=Full"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));

        var creates = Enumerable.Range(0, 40).Select(i => UapiCalls.CreateAsync(client, "@me", "0003*211", type: i % 4,
            url: $"https://crm.example.com/hooks/{i}"));
        var ids = await Task.WhenAll(creates);

        using var list = await client.GetAsync("/uapi/extensions/@me/0003*211/phoneCallEvents?count=100");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(ids.Order(), (await UapiCalls.IdsAsync(list)).Order());
    }

    [Fact]
    public async Task ConcurrentDeletesUnderFullDurabilityEachAnswerTheirOwnEvent()
    {
        await using var host = await CallEventsHost.StartAsync(["Database:Durability=Full"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await UapiCalls.CreateAsync(client, "@me", "0003*210", type: 1, url: $"https://crm.example.com/d/{i}"));
        }

        var deletes = ids.Select(async id =>
        {
            using var response = await client.DeleteAsync($"/uapi/extensions/@me/0003*210/phoneCallEvents/1/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await UapiCalls.IdsAsync(response)).Single();
        });

        Assert.Equal(ids.Order(), (await Task.WhenAll(deletes)).Order());
    }

    [Theory]
    [InlineData("Process")]
    [InlineData("Full")]
    public async Task ManyConcurrentTokenRequestsAllGetATokenThatWorks(string durability)
    {
        await using var host = await CallEventsHost.StartAsync([$"Database:Durability={durability}"]);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => host.TokenAsync(a => a.Organization)));

        Assert.Equal(40, tokens.Distinct().Count());
        using var client = host.ClientWith(tokens[^1]);
        using var response = await client.GetAsync("/uapi/extensions/@me/0003*212/phoneCallEvents");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
