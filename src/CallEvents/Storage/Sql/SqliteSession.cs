using Microsoft.Data.Sqlite;

namespace CallEvents.Storage.Sql;

/// <summary>
/// A SQLite connection of <see cref="PreparedSql"/>'s that stays open, with its prepared commands
/// by SQL text, and when it was last used (<see cref="PreparedSql.IdleBeforeRelease"/>).
/// One owner at a time: the lease that holds it, the pool, or the release of its cache.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection) : IDisposable
{
    public SqliteConnection Connection { get; } = connection;

    public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);

    // Read by the release's timer while the owner may write them: hence volatile.
    private long _idleSince = Environment.TickCount64;
    private volatile bool _released; // nothing cached since the cache was last released

    /// <summary>Returned after a unit of work: its cache holds pages again.</summary>
    public void Used()
    {
        Volatile.Write(ref _idleSince, Environment.TickCount64);
        _released = false;
    }

    /// <summary>Whether its cache has been released and nothing used it since.</summary>
    public bool Released => _released;

    /// <summary>Unused for <see cref="PreparedSql.IdleBeforeRelease"/> since its cache last held pages (a reader's rule; the writer's: <see cref="PreparedSql.SignalWriterIfIdle"/>).</summary>
    public bool IdleLongEnough =>
        !_released && Environment.TickCount64 - Volatile.Read(ref _idleSince) >= (long)PreparedSql.IdleBeforeRelease.TotalMilliseconds;

    /// <summary>
    /// Frees the page cache (all of it: no statement runs on a connection its owner is
    /// releasing); false if the connection failed, and must then be closed. <c>PRAGMA
    /// shrink_memory</c> takes no lock on the database (it reads no schema), so it cannot wait
    /// for another connection or process, however long that holds the file.
    /// </summary>
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
