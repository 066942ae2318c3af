using System.Collections.Concurrent;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
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
    public async Task AfterAnIdleReadersCacheIsReleasedTheNativeHeapIsTrimmed()
    {
        await using var host = await CallEventsHost.StartAsync();
        // A pool of its own whose writer is never opened: only its reader's release can ask for a
        // trim, and its first trim is not held back by an earlier one (the interval is per pool).
        using var pool = new PreparedSql(host.Services.GetRequiredService<DatabaseOptions>(),
            host.Services.GetRequiredService<SqlitePragmas>(), host.Services.GetRequiredService<WalCheckpoints>());

        SQLitePCL.sqlite3 handle;
        await using (var lease = await pool.OpenAsync(CancellationToken.None))
        {
            handle = ((SqliteConnection)lease.Connection).Handle!;
            await ReadEveryTableAsync(lease);
        }
        Assert.Equal(0, pool.NativeHeapTrims); // nothing released yet
        await Eventually.UntilAsync(() => Cached(handle) <= OnePage, Bound, () => $"the idle reader still caches {Cached(handle)} bytes");

        if (!NativeHeapTrim.Available)
        {
            Assert.Equal(0, pool.NativeHeapTrims); // no glibc heap to trim
            return;
        }
        await Eventually.UntilAsync(() => pool.NativeHeapTrims > 0, Bound, () => "no trim after the reader's release");
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

    [SqliteFact]
    public async Task TheWritersCacheIsReleasedBetweenBatchesWhileWritesTrickleInAndEveryWriteCommitsOnTheSameConnection()
    {
        await using var host = await CallEventsHost.StartAsync();
        var writes = host.Services.GetRequiredService<WriteBatches>();

        // A write every 250 ms: few enough per second for the writer to count as idle, so its
        // release (in WriteBatches' loop) falls between these batches rather than beside them.
        SQLitePCL.sqlite3? first = null;
        var startedReleased = 0;
        long leftByLast = 0;
        for (var i = 0; i < 60 && startedReleased == 0; i++)
        {
            var (handle, cachedAtStart, changed, left) = await writes.RunAsync(async lease =>
            {
                var handle = ((SqliteConnection)lease.Connection).Handle!;
                var cachedAtStart = Cached(handle);
                await ReadEveryTableAsync(lease);
                var changed = await lease.Command("UPDATE ef_migrations_history SET \"ProductVersion\" = \"ProductVersion\"").ExecuteNonQueryAsync();
                return (handle, cachedAtStart, changed, Cached(handle));
            });
            first ??= handle;
            Assert.Same(first, handle);
            Assert.True(changed > 0);
            // The delivery sender's poll may have read a few pages on it since the release.
            if (i > 0 && cachedAtStart < leftByLast / 2)
            {
                startedReleased++;
            }
            leftByLast = left;
            await Task.Delay(250);
        }
        Assert.True(startedReleased > 0, "no batch began on a released writer cache in 60 writes 250 ms apart");
    }

    [SqliteFact]
    public async Task TheWriterOpenedAgainWhileItsLeaseIsHeldIsHandedOutWithoutWaiting()
    {
        await using var host = await CallEventsHost.StartAsync();
        var sql = host.Services.GetRequiredService<PreparedSql>();
        var gate = host.Services.GetRequiredService<WriteGate>();

        // As WriteBatches' loop does, the gate first: no batch uses the writer meanwhile. A lease
        // of the writer that waited for the writer to be free (session 8's perf-rss had such a
        // semaphore, shared with the release) would wait here for itself.
        using (await gate.EnterAsync(CancellationToken.None))
        {
            await using var held = sql.OpenWriter();
            var again = await Task.Run(() => sql.OpenWriter()).WaitAsync(Bound);
            await using (again)
            {
                Assert.Same(held.Connection, again.Connection);
            }
        }
    }

    [SqliteFact]
    public async Task APoolDisposedWhileItsReleaseAndItsLeasesAreBusyReturnsAtOnceAndEveryConnectionItOpenedEndsClosed()
    {
        await using var host = await CallEventsHost.StartAsync();
        var pool = new PreparedSql(host.Services.GetRequiredService<DatabaseOptions>(),
            host.Services.GetRequiredService<SqlitePragmas>(), host.Services.GetRequiredService<WalCheckpoints>());
        var seen = new ConcurrentDictionary<SqliteConnection, bool>();
        using var stop = new CancellationTokenSource();

        // Leases of every length with pauses between them, so that readers idle out and are
        // taken for their release while others are taken by leases, for several ticks.
        var users = Enumerable.Range(0, 6).Select(n => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await using (var lease = await pool.OpenAsync(CancellationToken.None))
                {
                    seen.TryAdd((SqliteConnection)lease.Connection, true);
                    await ReadEveryTableAsync(lease);
                    await Task.Delay(20); // held a while: the users overlap, so the pool holds several
                }
                await Task.Delay(i % 7 == n ? 1_300 : 40);
            }
        })).ToList();
        await Task.Delay(PreparedSql.IdleBeforeRelease * 4);

        await Task.Run(pool.Dispose).WaitAsync(Bound);
        await stop.CancelAsync();
        await Task.WhenAll(users).WaitAsync(Bound);

        Assert.True(seen.Count > 1, $"the leases used {seen.Count} connection");
        await Eventually.UntilAsync(() => seen.Keys.All(c => c.State == System.Data.ConnectionState.Closed), Bound,
            () => $"{seen.Keys.Count(c => c.State != System.Data.ConnectionState.Closed)} of {seen.Count} connections still open");
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

    private static long Cached(SQLitePCL.sqlite3 handle) => SqliteCacheStatus.Used(handle);
}
