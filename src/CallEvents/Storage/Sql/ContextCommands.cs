using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CallEvents.Storage.Sql;

/// <summary>
/// Hand-written SQL inside a unit of work that has a <see cref="CallEventsDb"/> (intake, the queue's
/// claim and sweep, the attempt recorder: <see cref="SqlParameters"/> says when SQL is written by
/// hand): a command on the context's own connection, enlisted in its current transaction, so that
/// the statement commits or rolls back with the rest of the unit's writes. Microsoft.Data.Sqlite
/// refuses a command on a connection with a transaction that the command does not name, and on
/// PostgreSQL a command outside the transaction would commit on its own.
/// </summary>
internal static class ContextCommands
{
    /// <summary>A command with <paramref name="sql"/> on the context's connection, in its current transaction if there is one; the caller opens the connection (beginning a transaction does).</summary>
    public static DbCommand NewCommand(this CallEventsDb db, string sql = "")
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return command;
    }
}
