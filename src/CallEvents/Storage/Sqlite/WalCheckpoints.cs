using System.Diagnostics.Metrics;
using CallEvents.Hosting.Startup;
using CallEvents.Observability;
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
///
/// Under a steady write load the log never restarts by itself: SQLite restarts it only in a write
/// that finds every frame already copied, and the one writer commits again before a checkpoint can
/// catch up (and only when no reader is still on the log). So the log grew for as long as the load
/// lasted (3 GB after the growth scenario's phases, bench/README.md, The growth scenario (session
/// 14)), and the writer's frames went to places in that file the OS no longer had cached. Now, once
/// the log holds <see cref="RestartFrames"/> pages (<c>Database:LogRestartMiB</c>), this loop
/// checkpoints again at once, up to <see cref="MaxCatchUpRounds"/> more times, until a round left
/// nothing uncopied and had at most <see cref="RestartBacklogFrames"/> new frames to copy, then
/// asks the writer to restart the log (<see cref="TakeRestartRequest"/>, good for
/// <see cref="RequestLifetime"/>). On a disk whose syncs are too slow for the rounds to catch up,
/// the log grows as before. The writer, between two batches, copies the little that is left, syncs it,
/// and waits a few milliseconds at most for readers still on the old log
/// (<c>wal_checkpoint(RESTART)</c>); its next commit starts the log from its beginning. Every write
/// waits for that restart, so what it copies is kept small (the sync of the copied pages is its
/// cost: one that copied up to 4 MiB took 30–78 ms on the bench machine; with the rounds, most took
/// a few milliseconds and the longest 143 ms), and at 512 MiB it comes once every few seconds of
/// the heaviest load.
///
/// What an operator sees of it (docs/operations.md): the log's size (a gauge of this host's meter),
/// the restarts by outcome and how long each held the writes, and the checkpoints that failed
/// (<see cref="SqliteLogTelemetry"/>); a failure is also logged, at most once a minute.
/// </summary>
public sealed class WalCheckpoints : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>The shortest time between two warnings of the same kind (a lasting fault would fail every tick).</summary>
    public static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly DatabaseOptions options;
    private readonly DatabaseReadiness readiness;
    private readonly ILogger<WalCheckpoints> logger;
    private readonly RepeatedWarning _checkpointFailure = new(WarningInterval);
    private readonly RepeatedWarning _restartFailure = new(WarningInterval);
    private long _logBytes = -1; // the log's file at the last tick; -1: not read yet

    public WalCheckpoints(DatabaseOptions options, DatabaseReadiness readiness, ILogger<WalCheckpoints> logger, IMeterFactory meters)
    {
        this.options = options;
        this.readiness = readiness;
        this.logger = logger;
        meters.Create(Telemetry.Name, Telemetry.Version).CreateObservableGauge("callevents.sqlite.log.size", LogSize, "By",
            "The size of SQLite's write-ahead log file, read by the background checkpoints (at most 100 ms old).");
    }

    private IEnumerable<Measurement<long>> LogSize() =>
        Running && Interlocked.Read(ref _logBytes) is >= 0 and var bytes ? [new Measurement<long>(bytes)] : [];

    /// <summary>The size the log's file is brought back to once it has restarted: 64 MiB.</summary>
    public const long LogSizeLimit = 64 * 1024 * 1024;

    /// <summary>The most one restart of the log cuts from its file: 16 MiB (≈ 0.5 ms of ftruncate on a loaded ext4).</summary>
    public const long ShrinkStep = 16 * 1024 * 1024;

    /// <summary>The log's length, in pages, from which this loop asks for a restart (the server never changes SQLite's 4 KiB page size).</summary>
    public long RestartFrames => options.LogRestartMiB * 1024L * 1024 / 4096;

    /// <summary>The most new frames the last checkpoint before a restart may have copied: 256 KiB, a few milliseconds of sync.</summary>
    public const long RestartBacklogFrames = 64;

    /// <summary>The most checkpoints one tick runs back to back to catch up with the writer.</summary>
    public const int MaxCatchUpRounds = 8;

    /// <summary>
    /// How long a request stays good (20 ms). Taken later, the writer would have to copy and sync
    /// whatever was written meanwhile — a bulk delete's whole commit, say — while every write waits.
    /// </summary>
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromMilliseconds(20);

    private long _writerLogLimit = LogSizeLimit;
    private long _restartRequestedAt; // Environment.TickCount64 of the request; 0: none

    /// <summary>The <c>journal_size_limit</c> for the writer now: one <see cref="ShrinkStep"/> below the log's size, never under <see cref="LogSizeLimit"/>.</summary>
    public long WriterLogLimit => Interlocked.Read(ref _writerLogLimit);

    /// <summary>The limit for a log file of <paramref name="size"/> bytes.</summary>
    public static long LimitFor(long size) => Math.Max(LogSizeLimit, size - ShrinkStep);

    /// <summary>Asks the writer to restart the log at its next batch (good for <see cref="RequestLifetime"/>).</summary>
    internal void RequestRestart() => Interlocked.Exchange(ref _restartRequestedAt, Math.Max(Environment.TickCount64, 1));

    /// <summary>Whether a restart of the log is due: true once per request, if taken within <see cref="RequestLifetime"/> (the writer then restarts it).</summary>
    public bool TakeRestartRequest()
    {
        var requestedAt = Interlocked.Exchange(ref _restartRequestedAt, 0);
        return requestedAt != 0 && Environment.TickCount64 - requestedAt <= (long)RequestLifetime.TotalMilliseconds;
    }

    /// <summary>
    /// Whether the writer should restart the log now, from two checkpoints back to back: the first
    /// had copied the log up to <paramref name="copiedBefore"/>; the second found
    /// <paramref name="logFrames"/> frames and copied them up to <paramref name="copied"/>
    /// (SQLite's frames: one page each). Due when the log is at least <paramref name="restartFrames"/>
    /// long, all of it is copied, and the second round had little to copy (so the writer's share
    /// will be as small).
    /// </summary>
    public static bool RestartDue(long restartFrames, long copiedBefore, long logFrames, long copied) =>
        logFrames >= restartFrames && copied == logFrames && logFrames - copiedBefore <= RestartBacklogFrames;

    /// <summary>
    /// What the writer's restart of the log came to (<see cref="SqliteLogTelemetry.Restarted"/>,
    /// <see cref="SqliteLogTelemetry.Busy"/> or <see cref="SqliteLogTelemetry.Failed"/>, with the
    /// error) and how long every write waited for it: counted, timed, and a failure logged.
    /// </summary>
    internal void RestartEnded(string outcome, TimeSpan held, SqliteException? failure = null)
    {
        SqliteLogTelemetry.Restart(outcome, held);
        if (failure is not null && _restartFailure.ShouldLog(out var leftOut))
        {
            logger.LogWarning(failure, "Restarting the WAL failed; the writer is reopened and the log kept ({LeftOut} more failures not logged since the last warning)", leftOut);
        }
        else if (outcome == SqliteLogTelemetry.Busy)
        {
            logger.LogDebug("The WAL was not restarted: a reader stayed on it for {Milliseconds} ms; asked again later", held.TotalMilliseconds);
        }
    }

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
        checkpoint.CommandText = "PRAGMA busy_timeout = 10000;";
        await checkpoint.ExecuteNonQueryAsync(stoppingToken);
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
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
                    var size = log.Exists ? log.Length : 0;
                    Interlocked.Exchange(ref _logBytes, size);
                    Interlocked.Exchange(ref _writerLogLimit, LimitFor(size));
                    var (logFrames, copied) = await CheckpointAsync(checkpoint, stoppingToken);
                    for (var round = 0; logFrames >= RestartFrames && round < MaxCatchUpRounds; round++)
                    {
                        var copiedBefore = copied;
                        (logFrames, copied) = await CheckpointAsync(checkpoint, stoppingToken);
                        if (RestartDue(RestartFrames, copiedBefore, logFrames, copied))
                        {
                            RequestRestart();
                            break;
                        }
                    }
                }
                catch (SqliteException exception)
                {
                    // Not fatal: the log keeps the data; the next tick tries again.
                    SqliteLogTelemetry.CheckpointFailed();
                    if (_checkpointFailure.ShouldLog(out var leftOut))
                    {
                        logger.LogWarning(exception, "A WAL checkpoint failed ({LeftOut} more failures not logged since the last warning)", leftOut);
                    }
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

    /// <summary>One PASSIVE checkpoint: the log's frames and how many of them are now in the database file (-1, -1 if not in WAL mode).</summary>
    private static async Task<(long LogFrames, long Copied)> CheckpointAsync(SqliteCommand checkpoint, CancellationToken stoppingToken)
    {
        await using var result = await checkpoint.ExecuteReaderAsync(stoppingToken);
        return await result.ReadAsync(stoppingToken) ? (result.GetInt64(1), result.GetInt64(2)) : (-1, -1);
    }
}
