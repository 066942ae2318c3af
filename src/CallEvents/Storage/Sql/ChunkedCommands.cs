using System.Data.Common;

namespace CallEvents.Storage.Sql;

/// <summary>
/// A multi-row statement (the intake's INSERT, the attempt recorder's UPDATE and INSERT) written
/// in chunks within one unit of work: every chunk of a size has one text, so the command of a
/// full chunk is made once and bound again for every full chunk (on SQLite's writer connection
/// it stays prepared from one unit to the next: <see cref="PreparedSql.Lease.Command(string, Action{DbCommand})"/>);
/// a last, shorter chunk has its own.
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
    /// A statement's texts by chunk size (1 … <paramref name="maxRows"/>), made once: <paramref name="text"/>
    /// writes the text of n rows, <paramref name="addParameters"/> adds the n rows' parameters to a new command.
    /// </summary>
    public sealed class Shape(int maxRows, Func<int, string> text, Action<DbCommand, int> addParameters)
    {
        private readonly string[] _texts = [.. Enumerable.Range(0, Math.Max(maxRows, SqliteRows) + 1).Select(n => n == 0 ? "" : text(n))];

        internal DbCommand Command(PreparedSql.Lease lease, int rows) => lease.Command(_texts[rows], command => addParameters(command, rows));
    }

    /// <summary>
    /// Writes <paramref name="rows"/> in order, in chunks of <paramref name="shape"/>'s statement:
    /// <paramref name="bind"/> sets one row's values by its position in the chunk (0, 1, …), and
    /// each bound chunk is executed.
    /// </summary>
    public static Task ExecuteAsync<T>(PreparedSql.Lease lease, IReadOnlyList<T> rows, int postgresRows, Shape shape,
        Action<DbParameterCollection, int, T> bind) =>
        ExecuteAsync(lease, rows, postgresRows, shape, bind, static command => command.ExecuteNonQueryAsync());

    /// <summary>As above, with <paramref name="execute"/> running each bound chunk: a statement with <c>RETURNING</c> reads its rows there.</summary>
    public static async Task ExecuteAsync<T>(PreparedSql.Lease lease, IReadOnlyList<T> rows, int postgresRows, Shape shape,
        Action<DbParameterCollection, int, T> bind, Func<DbCommand, Task> execute)
    {
        var perStatement = lease.IsPostgres ? postgresRows : SqliteRows;
        DbCommand? whole = null;
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - offset);
            var command = count == perStatement ? whole ??= shape.Command(lease, count) : shape.Command(lease, count);
            for (var i = 0; i < count; i++)
            {
                bind(command.Parameters, i, rows[offset + i]);
            }
            await execute(command);
        }
    }
}
