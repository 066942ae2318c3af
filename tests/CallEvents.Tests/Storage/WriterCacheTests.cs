using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// A bulk delete's batch may grow SQLite's writer cache past its own 4 MiB (the pages of two
/// indexes, all over them: bench/README.md, Bulk delete (session 13)), for that batch only: the
/// next batch is back at 4 MiB, and a reader is not touched (on PostgreSQL the call does nothing).
/// </summary>
public sealed class WriterCacheTests
{
    [SqliteFact]
    public async Task ABatchThatWidensTheWritersCacheHasItUntilItEndsAndTheNextBatchIsBackToItsOwnSize()
    {
        await using var host = await CallEventsHost.StartAsync();
        var writes = host.Services.GetRequiredService<WriteBatches>();

        var (before, during) = await writes.RunAsync(async lease =>
        {
            var own = await CacheSizeAsync(lease);
            lease.WidenWriterCache();
            lease.WidenWriterCache(); // twice in one batch (two bulk deletes in it): the same
            return (own, await CacheSizeAsync(lease));
        });
        var after = await writes.RunAsync(CacheSizeAsync);

        Assert.Equal(-4 * 1024, before); // KiB, as PRAGMA cache_size gives a size set in KiB
        Assert.Equal(-64 * 1024, during);
        Assert.Equal(before, after);
    }

    [SqliteFact]
    public async Task AWidenedCacheFilledPastTheWritersOwnSizeIsFreedDownToItWhenTheBatchEnds()
    {
        await using var host = await CallEventsHost.StartAsync();
        var writes = host.Services.GetRequiredService<WriteBatches>();

        var (writer, during) = await writes.RunUnitAsync(async lease =>
        {
            lease.WidenWriterCache();
            await lease.Command("CREATE TABLE cache_fill (b BLOB)").ExecuteNonQueryAsync();
            // ≈ 9 MB of new pages, all dirty in the cache until the commit.
            await lease.Command("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                + "INSERT INTO cache_fill SELECT zeroblob(3000) FROM n").ExecuteNonQueryAsync();
            var handle = ((SqliteConnection)lease.Connection).Handle!;
            return (handle, Cached(handle));
        });

        Assert.True(during > 6 << 20, $"the widened batch cached {during} bytes");
        var after = Cached(writer);
        Assert.True(after <= 5 << 20, $"after the batch the writer still caches {after} bytes");
    }

    [SqliteFact]
    public async Task ABulkDeleteOverHttpSpillsNothingFromTheWritersCacheMidTransaction()
    {
        await using var host = await CallEventsHost.StartAsync(["--PhoneCallEvents:MaxPerExtension=100000"]);
        var writes = host.Services.GetRequiredService<WriteBatches>();
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));

        // 30,000 events with random ids: deleting them dirties pages all over the id index and the
        // list order's, far more than the writer's own 4 MiB hold.
        var writer = await writes.RunAsync(async lease =>
        {
            await lease.Command(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000) "
                + "INSERT INTO phone_call_events (id, extension_id, type, method, url, status, modified) "
                + "SELECT lower(hex(randomblob(15))), (SELECT id FROM extensions WHERE number = '0003*211'), 2, 1, "
                + "'https://crm.example.com/hooks/' || lower(hex(randomblob(8))), 1, '2026-12-03T00:00:00+00:00' FROM n").ExecuteNonQueryAsync();
            return ((SqliteConnection)lease.Connection).Handle!;
        });
        SqliteCacheStatus.Spilled(writer, reset: true); // the seeding's own spills do not count

        using (var deleted = await client.DeleteAsync("/uapi/extensions/@me/0003*211/phoneCallEvents/2"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal(30_000, (await UapiCalls.IdsAsync(deleted)).Count);
        }

        // The delete's batch ran on the same writer connection, whose count it is.
        Assert.Same(writer, await writes.RunAsync(lease => Task.FromResult(((SqliteConnection)lease.Connection).Handle!)));
        Assert.Equal(0, SqliteCacheStatus.Spilled(writer));
    }

    [SqliteFact]
    public async Task AReaderIsNotWidened()
    {
        await using var host = await CallEventsHost.StartAsync();
        var sql = host.Services.GetRequiredService<PreparedSql>();

        await using var lease = await sql.OpenAsync(CancellationToken.None);
        var before = await CacheSizeAsync(lease);
        lease.WidenWriterCache();
        Assert.Equal(before, await CacheSizeAsync(lease));
        Assert.NotEqual(-64 * 1024, before);
    }

    private static long Cached(SQLitePCL.sqlite3 handle) => SqliteCacheStatus.Used(handle);

    private static async Task<long> CacheSizeAsync(PreparedSql.Lease lease) =>
        (long)(await lease.Command("PRAGMA cache_size").ExecuteScalarAsync())!;
}
