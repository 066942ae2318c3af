using System.Collections.Concurrent;
using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>
/// Contract §7: a delete is atomic — every listed id is gone and nothing unlisted is — even while
/// creates race with it. Each round runs creates on two clients while bulk deletes (all, and by
/// type) run in between, then checks created ∖ remaining = deleted exactly.
/// </summary>
public sealed class BulkDeleteRaceTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public async Task ABulkDeleteRacingWithCreatesListsExactlyTheIdsThatAreGone(string? type)
    {
        const string extension = "0003*212";
        var organization = await _clients.OrganizationAsync();
        var admin = await _clients.AdminAsync();
        using (await admin.DeleteAsync(UapiCalls.Events("@owner", extension)))
        {
        }

        var created = new ConcurrentBag<(string Id, int Type)>();
        var deleted = new ConcurrentBag<string>();
        // Bounded so that the type kept by a delete-by-type never reaches the per-extension limit (100).
        for (var round = 0; round < 3; round++)
        {
            // Some events exist before the round, so every delete has something to find.
            for (var i = 0; i < 4; i++)
            {
                created.Add((await Hooks.CreateAsync(organization, "@owner", extension, type: i % 2), i % 2));
            }
            var creators = Enumerable.Range(0, 2).Select(c => Task.Run(async () =>
            {
                var client = c == 0 ? organization : admin;
                for (var i = 0; i < 10; i++)
                {
                    var eventType = (i + c) % 2;
                    created.Add((await Hooks.CreateAsync(client, "@owner", extension, type: eventType, url: $"https://crm.example.com/r{round}/{c}/{i}"), eventType));
                }
            })).ToArray();
            var deleter = Task.Run(async () =>
            {
                for (var i = 0; i < 6; i++)
                {
                    using var response = await organization.DeleteAsync(UapiCalls.Events("@me", extension, type));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        foreach (var id in await UapiCalls.IdsAsync(response))
                        {
                            deleted.Add(id);
                        }
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                    }
                    await Task.Yield();
                }
            });
            await Task.WhenAll([.. creators, deleter]);
        }

        var remaining = await _clients.IdsOnAsync(extension);
        var gone = created.Select(c => c.Id).Except(remaining).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(gone, deleted.Order(StringComparer.Ordinal));                    // no id listed twice, none missing
        Assert.Empty(deleted.Intersect(remaining));                                   // no listed id remains
        Assert.Empty(remaining.Except(created.Select(c => c.Id)));                   // nothing appeared from elsewhere
        Assert.NotEmpty(deleted);
        if (type is not null)
        {
            // A delete by type lists only that type; the other type is all still there.
            Assert.All(deleted, id => Assert.Equal(1, created.Single(c => c.Id == id).Type));
            Assert.Equal(created.Where(c => c.Type == 0).Select(c => c.Id).Order(StringComparer.Ordinal),
                remaining.Where(id => created.Single(c => c.Id == id).Type == 0));
        }
    }
}
