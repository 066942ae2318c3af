using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// PreparedSql's SQLite connections give their page caches back after a second idle
/// (<see cref="PreparedSql.IdleBeforeRelease"/>), and stay open and usable: under the bench's loads
/// these caches were most of what the server's RSS gained (bench/README.md, Memory under load
/// (session 8)). What a connection holds is read from SQLite itself
/// (<c>sqlite3_db_status(SQLITE_DBSTATUS_CACHE_USED)</c>).
/// </summary>
public sealed class IdleCacheReleaseTests
{
    private const int CacheUsed = 1; // SQLITE_DBSTATUS_CACHE_USED

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SqliteFact]
    public async Task AReaderLeftIdleGivesItsPageCacheBackAndServesTheNextRequestOpen()
    {
        await using var host = await CallEventsHost.StartAsync();
        var sql = host.Services.GetRequiredService<PreparedSql>();

        SQLitePCL.sqlite3 handle;
        long before;
        await using (var lease = await sql.OpenAsync(CancellationToken.None))
        {
            handle = ((SqliteConnection)lease.Connection).Handle!;
            await ReadEveryTableAsync(lease);
            before = Cached(handle);
            Assert.True(before > 4 * PageSize, $"the reads left {before} bytes in the connection's cache");
        }

        // SQLite keeps one page (the database's header page) through the release.
        await Eventually.UntilAsync(() => Cached(handle) <= OnePage, Bound, () => $"the idle reader still caches {Cached(handle)} of {before} bytes");

        Assert.False(handle.IsClosed); // released, not closed: it stays in the pool with its statements
        var requests = Enumerable.Range(0, 40).Select(async _ =>
        {
            await using var lease = await sql.OpenAsync(CancellationToken.None);
            return await lease.Command("SELECT count(*) FROM sqlite_master").ExecuteScalarAsync();
        });
        Assert.All(await Task.WhenAll(requests), count => Assert.True((long)count! > 0));
    }

    [SqliteFact]
    public async Task TheWriterLeftIdleGivesItsPageCacheBackAndTheNextBatchStillCommits()
    {
        await using var host = await CallEventsHost.StartAsync();
        var writes = host.Services.GetRequiredService<WriteBatches>();

        var writer = await writes.RunAsync(async lease =>
        {
            await ReadEveryTableAsync(lease);
            return ((SqliteConnection)lease.Connection).Handle!;
        });
        var before = Cached(writer);
        Assert.True(before > 4 * PageSize, $"the batch left {before} bytes in the writer's cache");

        await Eventually.UntilAsync(() => Cached(writer) <= OnePage, Bound, () => $"the idle writer still caches {Cached(writer)} of {before} bytes");

        var (again, changed) = await writes.RunAsync(async lease =>
            (((SqliteConnection)lease.Connection).Handle!,
             await lease.Command("UPDATE ef_migrations_history SET \"ProductVersion\" = \"ProductVersion\"").ExecuteNonQueryAsync()));
        Assert.Same(writer, again); // the same connection, still open
        Assert.True(changed > 0);
    }

    [SqliteFact]
    public async Task AReaderThatFailedIsNotHandedOutAgainEvenAfterTheIdleCachesAreReleased()
    {
        await using var host = await CallEventsHost.StartAsync();
        var sql = host.Services.GetRequiredService<PreparedSql>();

        SqliteConnection failed;
        await using (var lease = await sql.OpenAsync(CancellationToken.None))
        {
            failed = (SqliteConnection)lease.Connection;
            lease.Fail();
        }
        await Task.Delay(PreparedSql.IdleBeforeRelease * 3); // the release has run at least once since

        var leases = new List<PreparedSql.Lease>();
        try
        {
            for (var i = 0; i < 20; i++) // more than the pool keeps idle: every idle one is handed out
            {
                leases.Add(await sql.OpenAsync(CancellationToken.None));
            }
            Assert.DoesNotContain(leases, lease => ReferenceEquals(lease.Connection, failed));
            Assert.All(leases, lease => Assert.Equal(System.Data.ConnectionState.Open, lease.Connection.State));
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }
    }

    private const int PageSize = 4096; // SQLite's default, which the server keeps

    private const int OnePage = PageSize + 1024; // a page and its header

    /// <summary>Counts the rows of every table of the schema, which reads their pages into the cache.</summary>
    private static async Task ReadEveryTableAsync(PreparedSql.Lease lease)
    {
        var tables = new List<string>();
        await using (var reader = await lease.Command("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            await lease.Command($"SELECT count(*) FROM \"{table}\"").ExecuteScalarAsync();
        }
    }

    private static long Cached(SQLitePCL.sqlite3 handle)
    {
        Assert.Equal(0, SQLitePCL.raw.sqlite3_db_status(handle, CacheUsed, out var current, out _, 0));
        return current;
    }
}
