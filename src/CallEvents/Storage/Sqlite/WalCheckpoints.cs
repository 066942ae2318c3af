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
/// </summary>
public sealed class WalCheckpoints(DatabaseOptions options, DatabaseReadiness readiness, ILogger<WalCheckpoints> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

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
        Running = true;
        try
        {
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
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
