using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage.Sql;

/// <summary>
/// A multi-row statement (the intake's INSERT, the attempt recorder's UPDATE and INSERT) written
/// in chunks within one unit of work: the command of a full chunk is made once and bound again
/// for every full chunk, so it is parsed and prepared once; a last, shorter chunk gets its own.
///
/// How many rows a chunk has: SQLite finds each named parameter by a linear search of the
/// statement's names, when it parses the text and again when a value is bound (and
/// Microsoft.Data.Sqlite checks each of the statement's names against the command's by another),
/// so a statement's binding grows with the square of its parameters: at 50 and 32 rows (251 and
/// 256 parameters) it was the largest single item of the drain's profile (strncmp, 7.5 %). On
/// SQLite a statement is no round trip, so <see cref="SqliteRows"/>; on PostgreSQL each is one,
/// and Npgsql binds by position, so the caller's own, larger count
/// (bench/README.md, Deliveries: the send path (session 6)).
/// </summary>
internal sealed class ChunkedCommands(CallEventsDb db, int postgresRows, Func<CallEventsDb, int, DbCommand> create) : IAsyncDisposable
{
    public const int SqliteRows = 8;

    private DbCommand? _whole;

    /// <summary>Rows per statement on this context's provider.</summary>
    public int PerStatement { get; } = db.Database.IsNpgsql() ? postgresRows : SqliteRows;

    /// <summary>The command for a chunk of <paramref name="rows"/> rows (at most <see cref="PerStatement"/>); dispose it after executing.</summary>
    public Chunk For(int rows) => rows == PerStatement
        ? new Chunk(_whole ??= create(db, rows), owned: false)
        : new Chunk(create(db, rows), owned: true);

    public ValueTask DisposeAsync() => _whole?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>A chunk's command; disposing it disposes only a command made for this chunk alone.</summary>
    public readonly struct Chunk(DbCommand command, bool owned) : IAsyncDisposable
    {
        public DbCommand Command => command;

        public ValueTask DisposeAsync() => owned ? command.DisposeAsync() : ValueTask.CompletedTask;
    }
}
