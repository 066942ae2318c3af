using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CallEvents.Storage.Sql;

/// <summary>
/// A hand-written read of one row that sees what its caller sees: inside the context's
/// transaction, a command on the context's connection in that transaction (so it sees the
/// transaction's own writes, as EF Core's query would: the demo tenant registers apps on accounts
/// it has just added); otherwise <see cref="PreparedSql"/>'s connections, whose statements stay
/// prepared. For the reads on a CLI command's path, where compiling EF Core's first query was
/// most of the command (bench/README.md, Start and memory (session 8)), and the token request's
/// client look-up.
/// </summary>
internal static class UnitOfWorkReads
{
    /// <summary>The first row of <paramref name="text"/> (one positional parameter, <c>@p0</c>) as <paramref name="read"/> makes it, or default when there is none.</summary>
    public static async ValueTask<T?> ReadOneAsync<T>(this PreparedSql sql, CallEventsDb db, string text, object? value,
        Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // Enlisted in the transaction: Microsoft.Data.Sqlite refuses a command on a connection
            // with a transaction that the command does not name.
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction.GetDbTransaction();
            command.CommandText = text;
            command.BindPositional([value]);
            await using var inTransaction = await command.ExecuteReaderAsync(cancellationToken);
            return await inTransaction.ReadAsync(cancellationToken) ? read(inTransaction) : default;
        }
        await using var lease = await sql.OpenAsync(cancellationToken);
        await using var reader = await lease.Command(text, value).ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : default;
    }
}
