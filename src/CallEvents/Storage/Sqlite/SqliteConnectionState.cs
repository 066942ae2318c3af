using Microsoft.Data.Sqlite;

namespace CallEvents.Storage.Sqlite;

/// <summary>
/// What Microsoft.Data.Sqlite does not tell about a connection (whether a transaction is open, how many rows it has changed), asked of SQLite itself. A library
/// internal: it calls SQLitePCL's native binding (the provider Microsoft.Data.Sqlite loads)
/// because no public API says it. Kept to this one place; SqliteConnectionStateTests fail if an
/// upgrade changes what it answers.
/// </summary>
internal static class SqliteConnectionState
{
    /// <summary>
    /// Whether the connection is in autocommit mode, i.e. no transaction is open on it
    /// (<c>sqlite3_get_autocommit</c>). After a statement inside <c>BEGIN</c> failed, true means
    /// SQLite rolled the whole transaction back, not just the statement (some errors do: disk
    /// full, I/O, <c>OR ROLLBACK</c>). False on a closed connection: nothing to ask.
    /// </summary>
    public static bool IsInAutocommit(this SqliteConnection connection) =>
        connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0;

    /// <summary>
    /// How many rows the connection's statements have changed since it opened
    /// (<c>sqlite3_total_changes</c>: inserts, updates and deletes, those of triggers and foreign
    /// key actions included; a statement SQLite undid adds none). Two equal readings around a unit
    /// of work mean it left nothing to undo.
    /// </summary>
    public static int TotalChanges(this SqliteConnection connection) =>
        connection.Handle is { } handle ? SQLitePCL.raw.sqlite3_total_changes(handle) : 0;
}
