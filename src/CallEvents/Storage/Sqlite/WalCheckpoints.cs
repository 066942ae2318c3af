using CallEvents.Hosting.Startup;
using CallEvents.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace CallEvents.Storage.Sqlite;

/// <summary>
/// SQLite: copies the write-ahead log back into the database file in the background, so that no
/// write pays for it. By default SQLite checkpoints inside the commit that takes the log past
/// 1,000 pages — writing those pages to the database file and fsyncing both files while the one
/// writer and the requests it answers wait. Under bench/run.sh's delete load that was most of
/// the writer's time and the source of its p99 (bench/README.md).
///
/// While this runs (the serving process, once the database has been reached), the writer of
/// <see cref="WriteBatches"/> turns automatic checkpoints off, and this loop runs a PASSIVE
/// checkpoint every <see cref="Interval"/>: it never blocks writers or readers, and copies
/// what no reader still needs. Durability is unchanged: a commit is durable by the log, not by
/// the checkpoint (Database:Durability says when the log is synced).
///
/// The log's file is brought back to <see cref="LogSizeLimit"/> by SQLite itself, with
/// <c>journal_size_limit</c>, in the first commit after the log restarts — inside the writer's
/// transaction, while every write waits. Under load the log cannot restart (readers keep using it),
/// so it grows by up to about 100 MB/s under bench/run.sh's delete load, and cutting it at the
/// next restart costs about 0.4 ms per MiB on a loaded ext4 (the blocks and the cached pages are
/// freed in that call: 377 ms for 1 GiB): the "fixed wait" of the bulk delete after the other
/// scenarios (bench/README.md). So this loop
/// gives the writer a limit at most <see cref="ShrinkStep"/> below the file's size
/// (<see cref="WriterLogLimit"/>): each restart cuts one step, a fraction of a millisecond, and
/// the file comes down over successive restarts.
/// </summary>
public sealed class WalCheckpoints(DatabaseOptions options, DatabaseReadiness readiness, ILogger<WalCheckpoints> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>The size the log's file is brought back to once it has restarted: 64 MiB.</summary>
    public const long LogSizeLimit = 64 * 1024 * 1024;

    /// <summary>The most one restart of the log cuts from its file: 16 MiB (≈ 0.5 ms of ftruncate on a loaded ext4).</summary>
    public const long ShrinkStep = 16 * 1024 * 1024;

    private long _writerLogLimit = LogSizeLimit;

    /// <summary>The <c>journal_size_limit</c> for the writer now: one <see cref="ShrinkStep"/> below the log's size, never under <see cref="LogSizeLimit"/>.</summary>
    public long WriterLogLimit => Interlocked.Read(ref _writerLogLimit);

    /// <summary>The limit for a log file of <paramref name="size"/> bytes.</summary>
    public static long LimitFor(long size) => Math.Max(LogSizeLimit, size - ShrinkStep);

    /// <summary>Whether checkpoints are being taken care of here (writers may then skip their own).</summary>
    public bool Running { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Provider != DatabaseProvider.Sqlite || !await readiness.WaitUntilServingAsync(stoppingToken))
        {
            return;
        }
        await using var connection = new SqliteConnection(options.ConnectionString);
        await connection.OpenAsync(stoppingToken);
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA wal_checkpoint(PASSIVE);";
        var log = new FileInfo(connection.DataSource + "-wal");
        Running = true;
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // Before the checkpoint that may let the log restart, so that the restart
                    // finds the limit of the file as it is (a PASSIVE checkpoint never resizes it).
                    log.Refresh();
                    Interlocked.Exchange(ref _writerLogLimit, LimitFor(log.Exists ? log.Length : 0));
                    await checkpoint.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (SqliteException exception)
                {
                    // Not fatal: the log keeps the data; the next tick tries again.
                    logger.LogWarning(exception, "A WAL checkpoint failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Running = false;
        }
    }
}
