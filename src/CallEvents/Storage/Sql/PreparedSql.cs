using System.Data.Common;
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
/// (<see cref="IdleBeforeRelease"/>): under bench/run.sh's loads these caches were the larger part of
/// what the server's RSS gained over a run (bench/README.md, Memory under load (session 8)).
/// </summary>
public sealed class PreparedSql : IDisposable
{
    /// <summary>Idle SQLite connections kept open; more may be open at once under load, and are closed on return.</summary>
    private const int MaxIdle = 16;

    /// <summary>
    /// How long a SQLite connection stays idle before its page cache is released
    /// (<c>PRAGMA shrink_memory</c>), checked once per this interval. A reader's cache is stale
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
    private readonly SemaphoreSlim _writerInUse = new(1, 1); // the writer's lease or the release of its cache, never both
    private readonly Timer? _release;
    private bool _disposed;
    private readonly string _postgres;

    public PreparedSql(DatabaseOptions options, SqlitePragmas pragmas, WalCheckpoints checkpoints)
    {
        this.options = options;
        this.pragmas = pragmas;
        this.checkpoints = checkpoints;
        _postgres = options.Provider == DatabaseProvider.Postgres ? StorageSetup.PostgresConnectionString(options.ConnectionString!) : "";
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Not with the caller's ExecutionContext: the timer outlives whatever first needed this.
            using (ExecutionContext.SuppressFlow())
            {
                _release = new Timer(_ => ReleaseIdleCaches(), null, IdleBeforeRelease, IdleBeforeRelease);
            }
        }
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
    private bool? _writerCheckpoints; // whether the writer leaves checkpoints to WalCheckpoints (null: not set yet)
    private long _writerLogLimit; // the writer's journal_size_limit

    /// <summary>
    /// SQLite: the one connection <see cref="WriteBatches"/> writes on, for one caller at a time.
    /// Always the same, so its page cache (larger than a reader's) holds the pages writes touch,
    /// instead of each batch reading them again on whichever connection the pool handed out.
    /// </summary>
    internal Lease OpenWriter()
    {
        _writerInUse.Wait(); // free unless its idle cache is being released right now (≤ a millisecond)
        try
        {
            return OpenWriterHeld();
        }
        catch
        {
            _writerInUse.Release();
            throw;
        }
    }

    private Lease OpenWriterHeld()
    {
        if (_writer is not { Connection.State: System.Data.ConnectionState.Open })
        {
            _writer?.Dispose();
            var connection = new SqliteConnection(options.ConnectionString);
            connection.Open();
            pragmas.ApplyWriter(connection);
            using (var cache = connection.CreateCommand())
            {
                cache.CommandText = $"PRAGMA cache_size = -{WriterCacheKiB};";
                cache.ExecuteNonQuery();
            }
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
        return new Lease(this, _writer.Connection, _writer, isWriter: true);
    }

    /// <summary>
    /// The writer's page cache: 4 MiB (a reader keeps SQLite's default, 2 MiB). The delete load's
    /// writes, spread over 300,000 events, filled 16 MiB as well, for as many reads and no less CPU
    /// per delete in A/B runs, and those 12 MiB were the largest part of that load's RSS above
    /// the others' (bench/README.md, Memory under load (session 8)).
    /// </summary>
    private const int WriterCacheKiB = 4 * 1024;

    private void ReturnWriter(SqliteSession session, bool healthy)
    {
        if (!healthy)
        {
            session.Dispose();
            _writer = null;
        }
        else
        {
            session.Used();
        }
        _writerInUse.Release();
    }

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
    /// Every connection idle for <see cref="IdleBeforeRelease"/> whose cache has not been released
    /// since its last use releases it. A reader is taken out of the pool meanwhile (a request
    /// that finds none idle opens one, as under load) and goes back to its cold end; the writer
    /// is released only when no batch holds it.
    /// </summary>
    private void ReleaseIdleCaches()
    {
        // One reader at a time, the coldest first, so that at most one is out of the pool at once.
        for (var released = 0; released < MaxIdle; released++)
        {
            SqliteSession? session = null;
            lock (_pool)
            {
                var i = _idle.FindIndex(idle => idle.IdleLongEnough);
                if (i >= 0)
                {
                    session = _idle[i];
                    _idle.RemoveAt(i);
                }
            }
            if (session is null)
            {
                break;
            }
            if (session.TryReleaseCache())
            {
                lock (_pool)
                {
                    if (!_disposed && _idle.Count < MaxIdle)
                    {
                        _idle.Insert(0, session);
                        continue;
                    }
                }
            }
            session.Dispose();
        }
        if (_writer is { IdleLongEnough: true } && _writerInUse.Wait(0))
        {
            try
            {
                if (_writer is { IdleLongEnough: true } writer && !writer.TryReleaseCache())
                {
                    writer.Dispose();
                    _writer = null;
                }
            }
            finally
            {
                _writerInUse.Release();
            }
        }
    }

    public void Dispose()
    {
        if (_release is not null)
        {
            // Waits for a release that is running, which may hold the writer.
            using var stopped = new ManualResetEvent(false);
            if (_release.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }
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

    /// <summary>A SQLite connection that stays open, with its prepared commands by SQL text.</summary>
    private sealed class SqliteSession(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);

        private long _idleSince = Environment.TickCount64;
        private bool _released; // nothing cached since the cache was last released

        /// <summary>Returned after a unit of work: its cache holds pages again.</summary>
        public void Used()
        {
            _idleSince = Environment.TickCount64;
            _released = false;
        }

        public bool IdleLongEnough => !_released && Environment.TickCount64 - _idleSince >= (long)IdleBeforeRelease.TotalMilliseconds;

        /// <summary>Frees the page cache's unused pages (all of them: no statement runs); false if the connection failed.</summary>
        public bool TryReleaseCache()
        {
            try
            {
                using var command = Connection.CreateCommand();
                command.CommandText = "PRAGMA shrink_memory";
                command.ExecuteNonQuery();
                _released = true;
                return true;
            }
            catch (Exception exception) when (exception is SqliteException or InvalidOperationException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            foreach (var command in Commands.Values)
            {
                command.Dispose();
            }
            Connection.Dispose();
        }
    }

    /// <summary>One unit of work's connection. Commands from <see cref="Command(string, ReadOnlySpan{object})"/> belong to it: do not dispose them.</summary>
    public sealed class Lease : IAsyncDisposable
    {
        private readonly PreparedSql _owner;
        private readonly SqliteSession? _session;
        private readonly List<DbCommand>? _ownCommands;
        private readonly bool _isWriter;
        private bool _failed;

        internal Lease(PreparedSql owner, DbConnection connection, object? session, bool isWriter = false)
        {
            _owner = owner;
            _isWriter = isWriter;
            Connection = connection;
            _session = session as SqliteSession;
            _ownCommands = _session is null ? [] : null;
        }

        private DbTransaction? _transaction;

        public DbConnection Connection { get; }

        public bool IsPostgres => _session is null;

        /// <summary>The command for this SQL with its parameters bound: prepared once per connection on SQLite.</summary>
        public DbCommand Command(string sql, params ReadOnlySpan<object?> values)
        {
            var command = Command(sql, static _ => { });
            command.BindPositional(values);
            return command;
        }

        /// <summary>
        /// The command for this SQL, its parameters added by <paramref name="addParameters"/> when
        /// it is made (named, typed where a NULL needs its type), values left to the caller: on
        /// SQLite made and prepared once per connection, and the same command (its parameters
        /// with the values last bound) is returned for the same text after.
        /// </summary>
        public DbCommand Command(string sql, Action<DbCommand> addParameters)
        {
            DbCommand command;
            if (_session is not null)
            {
                if (!_session.Commands.TryGetValue(sql, out var cached))
                {
                    cached = _session.Connection.CreateCommand();
                    cached.CommandText = sql;
                    addParameters(cached);
                    _session.Commands[sql] = cached;
                }
                command = cached;
                // SQLite's transactions here are statements (WriteBatches: BEGIN, COMMIT, ROLLBACK), which
                // Microsoft.Data.Sqlite does not track: a command names none.
                command.Transaction = null;
            }
            else
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                command.Transaction = _transaction;
                addParameters(command);
                _ownCommands!.Add(command);
            }
            return command;
        }

        /// <summary>PostgreSQL: begins the transaction that every command made after it runs in (<see cref="WriteBatches.RunUnitAsync"/>).</summary>
        internal async ValueTask BeginAsync() => _transaction = await Connection.BeginTransactionAsync(CancellationToken.None);

        /// <summary>Commits what <see cref="BeginAsync"/> began; disposing the lease without it rolls the transaction back.</summary>
        internal Task CommitAsync() => _transaction!.CommitAsync(CancellationToken.None);

        /// <summary>Marks the connection as not to be reused (an error left it in an unknown state).</summary>
        public void Fail() => _failed = true;

        public async ValueTask DisposeAsync()
        {
            if (_session is not null)
            {
                if (_isWriter)
                {
                    _owner.ReturnWriter(_session, !_failed);
                }
                else
                {
                    _owner.Return(_session, !_failed);
                }
                return;
            }
            foreach (var command in _ownCommands!)
            {
                await command.DisposeAsync();
            }
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }
            await Connection.DisposeAsync();
        }
    }
}
