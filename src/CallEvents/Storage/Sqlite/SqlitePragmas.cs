using System.Data.Common;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// EF Core's connections also keep their temporary files in memory. They run the intake's
    /// and the attempt recorder's multi-row statements inside a transaction, where SQLite keeps a
    /// statement journal (the pages a statement changes, as they were, to undo that statement
    /// alone if it fails); past 64 KiB it spills to a temporary file, and in the deliveries bench
    /// that file took more bytes of pwrite per delivery than the WAL itself. Nothing of it is
    /// read after a crash (the WAL is the journal), so durability is as before; what it costs is
    /// the statement's changed pages in memory while it runs. Not on <see cref="PreparedSql"/>'s
    /// readers, which write nothing (its writer: <see cref="ApplyWriter"/>)
    /// (bench/README.md, Deliveries: the send path (session 6)). Both take their physical
    /// connections from Microsoft.Data.Sqlite's one pool, so a handle the other kind configured
    /// is switched (PreparedSql keeps its connections open, so that is rare).
    /// </summary>
    private const string TempInMemory = "PRAGMA temp_store=MEMORY;";
    private const string TempDefault = "PRAGMA temp_store=DEFAULT;";

    /// <summary>Per physical connection (the native handle): whether its temporary files are in memory.</summary>
    private readonly ConditionalWeakTable<object, StrongBox<bool>> _configured = new();

    /// <summary>What a connection needs before use: every pragma the first time its handle is seen, then only a switch of temp_store.</summary>
    private string? Needed(DbConnection connection, bool tempInMemory)
    {
        if (connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            return Pragmas + (tempInMemory ? " " + TempInMemory : "");
        }
        if (!_configured.TryGetValue(handle, out var memory))
        {
            return Pragmas + (tempInMemory ? " " + TempInMemory : "");
        }
        return memory.Value == tempInMemory ? null : tempInMemory ? TempInMemory : TempDefault;
    }

    private void Configured(DbConnection connection, bool tempInMemory)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            _configured.AddOrUpdate(handle, new StrongBox<bool>(tempInMemory));
        }
    }

    /// <summary>Runs the pragmas on a connection of <see cref="PreparedSql"/>'s that needs them.</summary>
    public void Apply(DbConnection connection) => Apply(connection, tempInMemory: false);

    /// <summary>
    /// The pragmas of <see cref="PreparedSql"/>'s writer, where <see cref="WriteBatches"/> runs
    /// the delivery pipeline's multi-row statements inside its batches' transactions: temporary
    /// files in memory, as on EF Core's connections (with them on disk, the statement journals
    /// were 5 times the bytes the WAL took: bench/README.md, Deliveries: every write on the
    /// writer (session 8)). A bulk delete's statement journal (every page it changes) is then
    /// held in memory while it runs.
    /// </summary>
    public void ApplyWriter(DbConnection connection) => Apply(connection, tempInMemory: true);

    private void Apply(DbConnection connection, bool tempInMemory)
    {
        if (Needed(connection, tempInMemory) is not { } pragmas)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
        Configured(connection, tempInMemory);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection, tempInMemory: true);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Needed(connection, tempInMemory: true) is not { } pragmas)
        {
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Configured(connection, tempInMemory: true);
    }
}
