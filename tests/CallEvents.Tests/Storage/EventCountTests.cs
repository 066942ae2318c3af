using System.Net;
using System.Text.Json;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// extensions.event_count (Storage/EventCountTriggers.cs) is what a List answers as totalResults
/// and what Create checks the per-extension limit against, so it must equal the rows whoever
/// writes them: the API one at a time and in bulk, racing writers, and plain SQL from outside.
/// </summary>
public sealed class EventCountTests
{
    [Fact]
    public async Task TotalResultsFollowsCreatesDeletesAndRowsWrittenStraightIntoTheDatabase()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await UapiCalls.CreateAsync(client, "@me", "0003*211", type: i % 2, url: $"https://crm.example.com/c/{i}"));
        }
        Assert.Equal(6, await TotalAsync(client));

        using (var one = await client.DeleteAsync($"/uapi/extensions/@me/0003*211/phoneCallEvents/0/{ids[0]}"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }
        Assert.Equal(5, await TotalAsync(client));

        // An operator's SQL, not the API: the triggers count it too.
        await ExecuteAsync(host, """
            INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified)
            SELECT 'sqlInsertedEvent00000000000001', id, 1, 0, 'https://crm.example.com/sql', 1, NULL, '2026-11-29T10:00:00+00:00'
            FROM extensions WHERE number = '0003*211'
            """);
        Assert.Equal(6, await TotalAsync(client));
        Assert.Equal(6, await RowsAsync(host, "0003*211"));

        using (var byType = await client.DeleteAsync("/uapi/extensions/@me/0003*211/phoneCallEvents/1"))
        {
            Assert.Equal(HttpStatusCode.OK, byType.StatusCode);
        }
        Assert.Equal(2, await TotalAsync(client));

        using (var all = await client.DeleteAsync("/uapi/extensions/@me/0003*211/phoneCallEvents"))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        }
        Assert.Equal(0, await TotalAsync(client));
        Assert.Equal(0, await CountColumnAsync(host, "0003*211"));
    }

    [Fact]
    public async Task ConcurrentCreatesAndDeletesLeaveTheCountEqualToTheRows()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var first = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            UapiCalls.CreateAsync(client, "@me", "0003*210", type: 2, url: $"https://crm.example.com/r/{i}")));

        // Deletes of the first half race creates of a second batch (on SQLite they share write batches).
        var deletes = first.Take(15).Select(async id =>
        {
            using var response = await client.DeleteAsync($"/uapi/extensions/@me/0003*210/phoneCallEvents/2/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        var creates = Enumerable.Range(0, 20).Select(i =>
            UapiCalls.CreateAsync(client, "@me", "0003*210", type: 3, url: $"https://crm.example.com/s/{i}"));
        await Task.WhenAll(deletes.Concat(creates));

        Assert.Equal(35, await RowsAsync(host, "0003*210"));
        Assert.Equal(35, await CountColumnAsync(host, "0003*210"));
        Assert.Equal(35, await TotalAsync(client, "0003*210"));
    }

    [Fact]
    public async Task AWriteThatFailsInABatchLeavesTheOthersOfThatBatchWritten()
    {
        // The limit is 3: of 8 concurrent creates exactly 3 succeed, the rest are refused, and the
        // refusals (a statement that changed nothing) take nothing of the others with them.
        await using var host = await CallEventsHost.StartAsync(["PhoneCallEvents:MaxPerExtension=3"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await client.PostAsync("/uapi/extensions/@me/0003*211/phoneCallEvents",
                UapiCalls.Json(new { type = 0, method = 0, url = $"https://crm.example.com/l/{i}" }));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Contains("pce_limit_exceeded", a.Item2));
        Assert.Equal(3, await RowsAsync(host, "0003*211"));
        Assert.Equal(3, await TotalAsync(client, "0003*211"));
    }

    [PostgresFact]
    public async Task OnPostgresConcurrentCreatesOnOneExtensionFillItExactlyToTheLimitAndNoFurther()
    {
        // The count is striped and creates far from the limit do not wait for each other
        // (PhoneCallEvents/Handlers/CreatePhoneCallEvent.cs): 120 creates at once on one
        // extension with room for 40 must still give exactly 40, the last ones through the path
        // that sees the exact count. Fewer would be a create refused with room left; more, the
        // limit broken.
        await using var host = await CallEventsHost.StartAsync(["PhoneCallEvents:MaxPerExtension=40"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));

        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            using var response = await client.PostAsync("/uapi/extensions/@me/0003*211/phoneCallEvents",
                UapiCalls.Json(new { type = 0, method = 0, url = $"https://crm.example.com/x/{i}" }));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(40, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Contains("pce_limit_exceeded", a.Item2));
        Assert.Equal(40, await RowsAsync(host, "0003*211"));
        Assert.Equal(40, await CountColumnAsync(host, "0003*211"));
        Assert.Equal(40, await TotalAsync(client, "0003*211"));

        // Room made by deletes is used again, up to the limit and no further.
        var listed = await client.GetAsync("/uapi/extensions/@me/0003*211/phoneCallEvents?count=10");
        using (var page = JsonDocument.Parse(await listed.Content.ReadAsStringAsync()))
        {
            foreach (var entry in page.RootElement.GetProperty("entry").EnumerateArray())
            {
                using var deleted = await client.DeleteAsync($"/uapi/extensions/@me/0003*211/phoneCallEvents/0/{entry.GetProperty("id").GetString()}");
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            }
        }
        var again = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await client.PostAsync("/uapi/extensions/@me/0003*211/phoneCallEvents",
                UapiCalls.Json(new { type = 0, method = 0, url = $"https://crm.example.com/y/{i}" }));
            return response.StatusCode;
        }));
        Assert.Equal(10, again.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(40, await RowsAsync(host, "0003*211"));
        Assert.Equal(40, await CountColumnAsync(host, "0003*211"));
    }

    private static async Task<int> TotalAsync(HttpClient client, string extension = "0003*211")
    {
        using var response = await client.GetAsync($"/uapi/extensions/@me/{extension}/phoneCallEvents?count=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("totalResults").GetInt32();
    }

    private static async Task ExecuteAsync(CallEventsHost host, string sql)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CallEventsDb>().Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<int> RowsAsync(CallEventsHost host, string number)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var extension = await db.Extensions.SingleAsync(e => e.Number == number);
        return await db.PhoneCallEvents.CountAsync(e => e.ExtensionId == extension.Id);
    }

    /// <summary>The extension's event count as the server reads it (on PostgreSQL the column plus its stripes).</summary>
    private static async Task<int> CountColumnAsync(CallEventsHost host, string number)
    {
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var sql = "SELECT " + EventCountTriggers.CountSql("e", db.Database.IsNpgsql()) + " AS \"Value\" FROM extensions e WHERE e.number = {0}";
        return await db.Database.SqlQueryRaw<int>(sql, number).SingleAsync();
    }
}
