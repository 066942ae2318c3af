using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
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

    private static async Task<long> CacheSizeAsync(PreparedSql.Lease lease) =>
        (long)(await lease.Command("PRAGMA cache_size").ExecuteScalarAsync())!;
}
