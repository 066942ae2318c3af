using System.Data.Common;
using CallEvents.Storage.Sql;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CallEvents.Storage.Sqlite;

/// <summary>
/// Per-connection SQLite settings. WAL is a property of the file (set once at migration time);
/// synchronous is per connection and decides what an acknowledgement means: NORMAL survives a
/// process crash, FULL also a power loss.
/// The pragmas are run once per physical connection: with pooling, EF Core "opens" a pooled
/// connection for every query, and re-running three PRAGMA statements each time was a measurable
/// part of every request (bench/README.md).
/// </summary>
public sealed class SqlitePragmas(Durability durability, GroupCommit groupCommit) : DbConnectionInterceptor
{
    // Under Durability=Full with group commit armed (the serving process), the answer waits for
    // GroupCommit's fsync, so the commit itself needs only NORMAL.
    private string Pragmas => durability == Durability.Full && !groupCommit.Armed
        ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
        : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _configured = new();

    /// <summary>True the first time this physical connection (the native handle) is seen.</summary>
    private bool IsNew(DbConnection connection) =>
        connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, handle);

    /// <summary>Runs the pragmas on a connection seen for the first time (EF Core's, and <see cref="PreparedSql"/>'s own).</summary>
    public void Apply(DbConnection connection)
    {
        if (!IsNew(connection))
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!IsNew(connection))
        {
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
