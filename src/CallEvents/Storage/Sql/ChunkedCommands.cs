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
internal static class ChunkedCommands
{
    public const int SqliteRows = 8;

    /// <summary>
    /// Writes <paramref name="rows"/> in order, in chunks: <paramref name="create"/> makes the
    /// command of a chunk of n rows on the context's connection, <paramref name="bind"/> sets one
    /// row's values by its position in the chunk (0, 1, …), and each bound chunk is executed.
    /// </summary>
    public static Task ExecuteAsync<T>(CallEventsDb db, IReadOnlyList<T> rows, int postgresRows,
        Func<CallEventsDb, int, DbCommand> create, Action<DbParameterCollection, int, T> bind, CancellationToken cancellationToken) =>
        ExecuteAsync(db, rows, postgresRows, create, bind, static (command, ct) => command.ExecuteNonQueryAsync(ct), cancellationToken);

    /// <summary>As above, with <paramref name="execute"/> running each bound chunk: a statement with <c>RETURNING</c> reads its rows there.</summary>
    public static async Task ExecuteAsync<T>(CallEventsDb db, IReadOnlyList<T> rows, int postgresRows,
        Func<CallEventsDb, int, DbCommand> create, Action<DbParameterCollection, int, T> bind,
        Func<DbCommand, CancellationToken, Task> execute, CancellationToken cancellationToken)
    {
        var perStatement = db.Database.IsNpgsql() ? postgresRows : SqliteRows;
        DbCommand? whole = null;
        try
        {
            for (var offset = 0; offset < rows.Count; offset += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - offset);
                var command = count == perStatement ? whole ??= create(db, count) : create(db, count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        bind(command.Parameters, i, rows[offset + i]);
                    }
                    await execute(command, cancellationToken);
                }
                finally
                {
                    if (command != whole)
                    {
                        await command.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            if (whole is not null)
            {
                await whole.DisposeAsync();
            }
        }
    }
}
