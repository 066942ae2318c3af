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

    private static long Cached(SQLitePCL.sqlite3 handle)
    {
        Assert.Equal(0, SQLitePCL.raw.sqlite3_db_status(handle, 1 /* SQLITE_DBSTATUS_CACHE_USED */, out var current, out _, 0));
        return current;
    }

    private static async Task<long> CacheSizeAsync(PreparedSql.Lease lease) =>
        (long)(await lease.Command("PRAGMA cache_size").ExecuteScalarAsync())!;
}
