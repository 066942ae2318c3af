using System.Diagnostics;
using System.Globalization;
using CallEvents.Observability;
using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CallEvents.Storage.Sql;

/// <summary>
/// Plain SQL for the request hot paths (the extension check, list, get, create, update, delete
/// one), on connections whose statements stay prepared.
///
/// Why not EF Core there: a CPU profile of the list and delete scenarios under bench/run.sh's
/// load (bench/README.md) put most of a request in EF's per-query work — funcletizing the
/// expression, hashing the query-cache key, opening and closing the pooled connection — and in
/// SQLite parsing every statement again, because Microsoft.Data.Sqlite drops a command's
/// prepared statements when its connection closes. Here a SQLite connection stays open in a
/// small pool of its own and keeps one prepared command per SQL text; on PostgreSQL the
/// connection comes from Npgsql's pool (the same pool EF Core uses: same connection string) and
/// Npgsql's automatic preparation keeps the statements on the server (see
/// <see cref="StorageSetup.PostgresConnectionString"/>). EF Core stays for everything else (the
/// rule for which path uses which: <see cref="SqlParameters"/>).
///
/// Parameters are positional: <c>@p0</c>, <c>@p1</c>, … in the SQL, bound in that order
/// (<see cref="SqlParameters.BindPositional"/>).
/// Writes still take the <see cref="WriteGate"/> (SQLite has one writer), so group commit and
/// the single-writer rule hold as they do for EF Core's writes.
///
/// A SQLite connection left idle for a second gives its page cache back
/// (<see cref="IdleCacheRelease"/>): under bench/run.sh's loads these caches were the larger part
/// of what the server's RSS gained over a run (bench/README.md, Memory under load (sessions 8
/// and 9)).
/// </summary>
public sealed partial class PreparedSql : IDisposable
{
    /// <summary>Idle SQLite connections kept open; more may be open at once under load, and are closed on return.</summary>
    private const int MaxIdle = 16;

    /// <summary>
    /// How long a SQLite connection stays idle before its page cache is released
    /// (<see cref="IdleCacheRelease"/>), checked once per this interval. A reader's cache is stale
    /// after any commit (WAL: SQLite drops it whole at the connection's next read), so under
    /// writes an idle reader only holds memory; the writer's is still valid, and what it costs
    /// is one write's re-reading of its pages after a second without writes.
    /// </summary>
    internal static readonly TimeSpan IdleBeforeRelease = TimeSpan.FromSeconds(1);

    private readonly DatabaseOptions options;
    private readonly SqlitePragmas pragmas;
    private readonly WalCheckpoints checkpoints;
    private readonly Lock _pool = new();
    private readonly List<SqliteSession> _idle = new(MaxIdle); // the last returned at the end: the warmest cache is taken first
    private readonly IdleCacheRelease? _release;
    private volatile bool _disposed;
    private readonly string _postgres;

    public PreparedSql(DatabaseOptions options, SqlitePragmas pragmas, WalCheckpoints checkpoints)
    {
        this.options = options;
        this.pragmas = pragmas;
        this.checkpoints = checkpoints;
        _postgres = options.Provider == DatabaseProvider.Postgres ? StorageSetup.PostgresConnectionString(options.ConnectionString!) : "";
        _release = options.Provider == DatabaseProvider.Sqlite ? new IdleCacheRelease(this) : null;
    }

    public DatabaseProvider Provider => options.Provider;

    public bool IsSqlite => options.Provider == DatabaseProvider.Sqlite;

    /// <summary>An open connection for one unit of work; dispose it when done (it goes back to its pool).</summary>
    public async ValueTask<Lease> OpenAsync(CancellationToken cancellationToken)
    {
        if (!IsSqlite)
        {
            var connection = new NpgsqlConnection(_postgres);
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
            return new Lease(this, connection, null);
        }
        SqliteSession? session = null;
        lock (_pool)
        {
            if (_idle.Count > 0)
            {
                session = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
            }
        }
        if (session is null)
        {
            var connection = new SqliteConnection(options.ConnectionString);
            connection.Open();
            pragmas.Apply(connection);
            session = new SqliteSession(connection);
        }
        return new Lease(this, session.Connection, session);
    }

    private SqliteSession? _writer;
    private volatile bool _writerLeased;
    private bool? _writerCheckpoints; // whether the writer leaves checkpoints to WalCheckpoints (null: not set yet)
    private long _writerLogLimit; // the writer's journal_size_limit
    private Action? _writerIdle;
    private int _writerIdleSignalled; // 1 from the signal until its owner has looked (no second signal meanwhile)
    private int _writerBatches; // batches since the release's last tick
    private int _releasedSinceTrim; // 1 once a cache has been released and the native heap not trimmed since

    /// <summary>
    /// The most batches the writer may run in one tick of <see cref="IdleCacheRelease"/> and still
    /// count as idle. Not "no batch for a second": the delivery sender's poll writes on it every
    /// <c>Delivery:PollInterval</c> (a claim and a sweep, 2 batches a second by default) even when
    /// there is nothing to deliver, so the writer never idled that long and kept whatever a load
    /// had cached in it. Under any load it runs thousands a second. What a release costs the poll:
    /// re-reading the few pages its two statements touch, from the OS's cache.
    /// </summary>
    private const int IdleWriterBatches = 8;

    /// <summary>
    /// SQLite: the one connection <see cref="WriteBatches"/> writes on, for one caller at a time
    /// (its loop: nothing else opens it, so nothing here waits for it).
    /// Always the same, so its page cache (larger than a reader's) holds the pages writes touch,
    /// instead of each batch reading them again on whichever connection the pool handed out.
    /// </summary>
    internal Lease OpenWriter()
    {
        var writer = EnsureWriter();
        if (checkpoints.Running && checkpoints.TakeRestartRequest() && !TryRestartLog(writer.Connection))
        {
            // Its busy_timeout may be left short: out of the pool too (a pooled handle would come
            // back with its settings taken as applied), and opened again with its settings.
            SqliteConnection.ClearPool(writer.Connection);
            writer.Dispose();
            _writer = null;
            writer = EnsureWriter();
        }
        _writerLeased = true;
        return new Lease(this, writer.Connection, writer, isWriter: true);
    }

    private SqliteSession EnsureWriter()
    {
        if (_writer is not { Connection.State: System.Data.ConnectionState.Open })
        {
            _writer?.Dispose();
            var connection = new SqliteConnection(options.ConnectionString);
            connection.Open();
            pragmas.ApplyWriter(connection);
            SetCacheSize(connection, WriterCacheKiB);
            _writer = new SqliteSession(connection);
            _writerCheckpoints = null;
        }
        // With checkpoints taken in the background (the loop starts once the database has been
        // reached, maybe after the writer), this writer never stops to take one, and the log's
        // file is cut back one step per restart (WalCheckpoints.WriterLogLimit), never all at once.
        var running = checkpoints.Running;
        var logLimit = running ? checkpoints.WriterLogLimit : WalCheckpoints.LogSizeLimit;
        if (running != _writerCheckpoints || logLimit != _writerLogLimit)
        {
            using var settings = _writer.Connection.CreateCommand();
            settings.CommandText = $"PRAGMA wal_autocheckpoint = {(running ? 0 : 1000)}; PRAGMA journal_size_limit = {logLimit};";
            settings.ExecuteNonQuery();
            _writerCheckpoints = running;
            _writerLogLimit = logLimit;
        }
        return _writer;
    }

    /// <summary>
    /// How long a restart of the log waits for readers still on the old log (their reads take
    /// microseconds; every write waits meanwhile): past it, the log is restarted at a later request.
    /// </summary>
    private const int LogRestartWaitMs = 5;

    /// <summary>
    /// Asked by <see cref="WalCheckpoints"/>, between two batches (the caller holds the write gate):
    /// copies what is left of the log into the database file and waits for the readers to leave it,
    /// so that the next commit starts the log from its beginning. What it came to, and how long
    /// every write waited, goes to <see cref="WalCheckpoints.RestartEnded"/>. False if the writer
    /// must be closed.
    /// </summary>
    private bool TryRestartLog(SqliteConnection writer)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var restart = writer.CreateCommand();
            restart.CommandText = "PRAGMA busy_timeout;";
            var busyTimeout = Convert.ToInt32(restart.ExecuteScalar(), CultureInfo.InvariantCulture);
            bool busy;
            try
            {
                restart.CommandText = $"PRAGMA busy_timeout = {LogRestartWaitMs};";
                restart.ExecuteNonQuery();
                // Busy (a reader stayed, another process writes) is an answer, not an error: its
                // first column is 1, and the checkpoint loop asks again.
                restart.CommandText = "PRAGMA wal_checkpoint(RESTART);";
                using (var result = restart.ExecuteReader())
                {
                    busy = result.Read() && result.GetInt64(0) != 0;
                }
            }
            finally
            {
                restart.CommandText = $"PRAGMA busy_timeout = {busyTimeout};";
                restart.ExecuteNonQuery();
            }
            checkpoints.RestartEnded(busy ? SqliteLogTelemetry.Busy : SqliteLogTelemetry.Restarted, Stopwatch.GetElapsedTime(started));
            return true;
        }
        catch (SqliteException failure)
        {
            // Not the batch's failure: the log keeps its frames, and a fresh writer takes the batch.
            checkpoints.RestartEnded(SqliteLogTelemetry.Failed, Stopwatch.GetElapsedTime(started), failure);
            return false;
        }
    }

    /// <summary>
    /// The writer's page cache: 4 MiB (a reader keeps SQLite's default, 2 MiB). The delete load's
    /// writes, spread over 300,000 events, filled 16 MiB as well, for as many reads and no less CPU
    /// per delete in A/B runs, and those 12 MiB were the largest part of that load's RSS above
    /// the others' (bench/README.md, Memory under load (session 8)).
    /// </summary>
    private const int WriterCacheKiB = 4 * 1024;

    /// <summary>
    /// The writer's page cache for the rest of a batch that deletes many events at once (a bulk
    /// delete: <see cref="Lease.WidenWriterCache"/>), set back to <see cref="WriterCacheKiB"/> when
    /// the batch ends. Such a delete touches every index of every row, two of them at random
    /// places (the id's and the list order's), and with 4 MiB SQLite evicted and re-read those
    /// pages, spilling dirty ones to the log mid-transaction: SQLite's own CLI deleted 100,000 of
    /// the bench's events (312,000 in all) in 1.59–1.62 s with 4 MiB, 1.32–1.41 s with 16,
    /// 1.13–1.17 s with 32 and 1.09–1.24 s with 64 (bench/README.md, Bulk delete (session 13)).
    /// 32 MiB held that database's two indexes; 64 leaves room for a larger one, and it is a bound,
    /// not an allocation: the cache only grows as pages are read, so a small bulk delete takes no
    /// more than it did.
    /// </summary>
    private const int WideWriterCacheKiB = 64 * 1024;

    private bool _writerWide; // the writer's cache is wide until its batch ends (only the loop touches it)

    internal void WidenWriterCache(SqliteSession writer)
    {
        if (_writerWide)
        {
            return;
        }
        SetCacheSize(writer.Connection, WideWriterCacheKiB);
        _writerWide = true;
    }

    /// <summary>After a batch that widened the writer's cache: back to its own size, which frees the pages above it (false if the connection failed).</summary>
    private bool TryNarrowWriterCache(SqliteSession writer)
    {
        _writerWide = false;
        try
        {
            SetCacheSize(writer.Connection, WriterCacheKiB);
            Volatile.Write(ref _releasedSinceTrim, 1); // the freed pages are for the next trim
            return true;
        }
        catch (Exception)
        {
            // Whatever it was, the batch has committed and its writes are to be answered as done:
            // nothing may escape the lease's disposal. The writer is closed instead (its cache with it).
            return false;
        }
    }

    /// <summary>A connection's page cache limit, in KiB (SQLite frees what is above a lowered limit at once).</summary>
    private static void SetCacheSize(SqliteConnection connection, int kib)
    {
        using var cache = connection.CreateCommand();
        cache.CommandText = $"PRAGMA cache_size = -{kib};";
        cache.ExecuteNonQuery();
    }

    private void ReturnWriter(SqliteSession session, bool healthy)
    {
        if (_writerWide && healthy)
        {
            healthy = TryNarrowWriterCache(session);
        }
        _writerWide = false; // a writer that failed is closed below, its cache with it
        if (!healthy)
        {
            session.Dispose();
            _writer = null;
        }
        else
        {
            session.Used();
        }
        Interlocked.Increment(ref _writerBatches);
        _writerLeased = false;
    }

    /// <summary>
    /// Called by the writer's owner (<see cref="WriteBatches"/>' loop) with what to do when the
    /// writer has idled (<see cref="IdleWriterBatches"/>): the release of its cache then runs in
    /// that loop (<see cref="ReleaseWriterCacheIfIdle"/>), between two batches, not beside one.
    /// </summary>
    internal void OnWriterIdle(Action signal) => _writerIdle = signal;

    /// <summary>
    /// From <see cref="IdleCacheRelease"/>, once a tick: signals the writer's owner once if the
    /// writer idled since the last tick; returns whether it idled (no write load is running).
    /// </summary>
    internal bool SignalWriterIfIdle()
    {
        var batches = Interlocked.Exchange(ref _writerBatches, 0);
        if (batches > IdleWriterBatches)
        {
            return false;
        }
        if (_writer is { Released: false } && !_writerLeased && _writerIdle is { } signal
            && Interlocked.CompareExchange(ref _writerIdleSignalled, 1, 0) == 0)
        {
            signal();
        }
        return true;
    }

    /// <summary>
    /// The writer's owner, holding no lease of it: releases its page cache if it is still idle
    /// (a load may have begun since the signal). A writer whose release fails is closed (the next
    /// batch opens another).
    /// </summary>
    internal void ReleaseWriterCacheIfIdle()
    {
        Volatile.Write(ref _writerIdleSignalled, 0);
        if (!_disposed && !_writerLeased && Volatile.Read(ref _writerBatches) <= IdleWriterBatches
            && _writer is { Released: false } writer)
        {
            if (writer.TryReleaseCache())
            {
                Volatile.Write(ref _releasedSinceTrim, 1);
            }
            else
            {
                writer.Dispose();
                _writer = null;
            }
        }
    }

    /// <summary>
    /// For <see cref="IdleCacheRelease"/>, about to trim the native heap (<see cref="NativeHeapTrim"/>):
    /// whether a cache has been released since the last call that returned true.
    /// </summary>
    internal bool TakeReleasedSinceTrim() => Interlocked.Exchange(ref _releasedSinceTrim, 0) == 1;

    /// <summary>How many times the idle release has trimmed the native heap (0 on PostgreSQL, which has none).</summary>
    internal int NativeHeapTrims => _release?.Trims ?? 0;

    private void Return(SqliteSession session, bool healthy)
    {
        if (healthy && session.Connection.State == System.Data.ConnectionState.Open)
        {
            session.Used();
            lock (_pool)
            {
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Add(session);
                    return;
                }
            }
        }
        session.Dispose();
    }

    /// <summary>
    /// For <see cref="IdleCacheRelease"/>: the coldest idle reader whose cache is to be released,
    /// taken out of the pool (a request that finds none idle opens one, as under load), or null.
    /// </summary>
    internal SqliteSession? TakeIdleToRelease()
    {
        lock (_pool)
        {
            var i = _idle.FindIndex(idle => idle.IdleLongEnough);
            if (i < 0)
            {
                return null;
            }
            var session = _idle[i];
            _idle.RemoveAt(i);
            return session;
        }
    }

    /// <summary>A reader from <see cref="TakeIdleToRelease"/> back at the pool's cold end, or closed if its release failed or the pool is gone.</summary>
    internal void PutBackReleased(SqliteSession session, bool released)
    {
        if (released)
        {
            Volatile.Write(ref _releasedSinceTrim, 1);
            lock (_pool)
            {
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Insert(0, session);
                    return;
                }
            }
        }
        session.Dispose();
    }

    public void Dispose()
    {
        // Stops the release without waiting for a tick that is running: such a tick holds at
        // most one reader, out of the pool, and closes it itself when it finds the pool gone.
        _release?.Dispose();
        List<SqliteSession> idle;
        lock (_pool)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var session in idle)
        {
            session.Dispose();
        }
        _writer?.Dispose();
    }
}
