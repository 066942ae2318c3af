using System.Collections.Concurrent;
using System.Net;
using CallEvents.Tests.Infrastructure;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// Two real server processes on one PostgreSQL database behave as one service: whatever one
/// node answers, the other agrees with, with no in-process state between them.
/// </summary>
public sealed class TwoNodesTests(TwoNodesFixture nodes) : IClassFixture<TwoNodesFixture>
{
    private const string User = "user-0003-ana";

    [PostgresFact]
    public async Task ATokenIssuedByNodeAIsAcceptedByNodeB()
    {
        var (clientId, secret) = await nodes.AddAppAsync(User);
        var token = await TwoNodesFixture.TokenAsync(nodes.A, clientId, secret);

        using var b = TwoNodesFixture.ClientWith(nodes.B, token);
        using var response = await b.GetAsync(Events("@me", "0003*210"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [PostgresFact]
    public async Task RegeneratingASecretRevokesTheAppsTokensOnBothNodes()
    {
        var (clientId, secret) = await nodes.AddAppAsync(User);
        var fromA = await TwoNodesFixture.TokenAsync(nodes.A, clientId, secret);
        var fromB = await TwoNodesFixture.TokenAsync(nodes.B, clientId, secret);
        // Both nodes have seen the app, its secret and both tokens: anything they keep in memory
        // is warm now, so a stale copy would show below.
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            foreach (var token in new[] { fromA, fromB })
            {
                using var client = TwoNodesFixture.ClientWith(node, token);
                using var ok = await client.GetAsync(Events("@me", "0003*210"));
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }
        }

        var regenerated = await nodes.CliJsonAsync("apps", "regenerate-secret", "--client-id", clientId);
        var newSecret = regenerated.GetProperty("clientSecret").GetString()!;

        foreach (var node in new[] { nodes.A, nodes.B })
        {
            foreach (var token in new[] { fromA, fromB })
            {
                // Validated tokens are cached for OAuth:ValidatedTokenCacheSeconds (2 s) on each
                // node: revocation by another process is honoured within that bound, so wait for
                // it (bounded: 25 × 200 ms), then insist.
                using var client = TwoNodesFixture.ClientWith(node, token);
                var status = HttpStatusCode.OK;
                for (var attempt = 0; attempt < 25 && status != HttpStatusCode.Unauthorized; attempt++)
                {
                    if (attempt > 0)
                    {
                        await Task.Delay(200);
                    }
                    using var revoked = await client.GetAsync(Events("@me", "0003*210"));
                    status = revoked.StatusCode;
                }
                Assert.True(status == HttpStatusCode.Unauthorized,
                    $"node {node.Name} still accepted a revoked token after 5 s: {(int)status}");
            }
            using var oldSecret = await TwoNodesFixture.RequestTokenAsync(node, clientId, secret);
            Assert.False(oldSecret.IsSuccessStatusCode, $"node {node.Name} issued a token for the old secret");
            var fresh = await TwoNodesFixture.TokenAsync(node, clientId, newSecret);
            using var freshClient = TwoNodesFixture.ClientWith(node, fresh);
            using var works = await freshClient.GetAsync(Events("@me", "0003*210"));
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }
    }

    [PostgresFact]
    public async Task AnEventCreatedOnNodeAAndDeletedOnNodeBIsGoneOnNodeA()
    {
        var (clientId, secret) = await nodes.AddAppAsync(User);
        using var a = TwoNodesFixture.ClientWith(nodes.A, await TwoNodesFixture.TokenAsync(nodes.A, clientId, secret));
        using var b = TwoNodesFixture.ClientWith(nodes.B, await TwoNodesFixture.TokenAsync(nodes.B, clientId, secret));

        var id = await CreateAsync(a, "@me", "0003*210", type: 2, note: "made on A");
        using (var listedOnB = await b.GetAsync(Events("@me", "0003*210") + "?count=5000"))
        {
            Assert.Contains(id, await IdsAsync(listedOnB));
        }

        using (var deletedOnB = await b.DeleteAsync(Events("@me", "0003*210", "2", id)))
        {
            Assert.Equal(HttpStatusCode.OK, deletedOnB.StatusCode);
            Assert.Equal([id], await IdsAsync(deletedOnB));
        }

        using var listedOnA = await a.GetAsync(Events("@me", "0003*210") + "?count=5000");
        Assert.Equal(HttpStatusCode.OK, listedOnA.StatusCode);
        Assert.DoesNotContain(id, await IdsAsync(listedOnA));
        using var getAgainOnA = await a.DeleteAsync(Events("@me", "0003*210", "2", id));
        await AssertErrorAsync(getAgainOnA, HttpStatusCode.BadRequest, "pce_id_invalid");
    }

    [PostgresFact]
    public async Task BulkDeletesOnNodeARacingCreatesOnNodeBAnswerExactlyTheEventsThatAreGone()
    {
        var (clientId, secret) = await nodes.AddAppAsync(User);
        using var a = TwoNodesFixture.ClientWith(nodes.A, await TwoNodesFixture.TokenAsync(nodes.A, clientId, secret));
        using var b = TwoNodesFixture.ClientWith(nodes.B, await TwoNodesFixture.TokenAsync(nodes.B, clientId, secret));
        const string extension = "0003*211";
        using (await a.DeleteAsync(Events("@me", extension)))
        {
        }

        var created = new ConcurrentBag<string>();
        for (var i = 0; i < 15; i++)
        {
            created.Add(await CreateAsync(a, "@me", extension, type: i % 5));
        }

        // Four writers on B, bulk deletes on A, all at once; every answer is recorded.
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                created.Add(await CreateAsync(b, "@me", extension, type: (w + i) % 5));
            }
        }));
        var deleted = new ConcurrentBag<string>();
        var deleter = Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                using var response = await a.DeleteAsync(Events("@me", extension));
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent,
                    $"bulk delete answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var id in await IdsAsync(response))
                    {
                        deleted.Add(id);
                    }
                }
            }
        });
        await Task.WhenAll([.. writers, deleter]);

        using var listed = await a.GetAsync(Events("@me", extension) + "?count=5000");
        var remaining = await IdsAsync(listed);
        var deletedIds = deleted.ToList();
        Assert.Equal(deletedIds.Count, deletedIds.Distinct().Count()); // no id is gone twice
        Assert.Empty(deletedIds.Intersect(remaining));                 // every id answered is gone
        Assert.Equal(created.Order(), deletedIds.Concat(remaining).Order()); // nothing lost, nothing extra
    }
}
