using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CallEvents.Tests.Storage;

/// <summary>
/// What <see cref="SqliteLibrary"/> sets in SQLite's native library, past Microsoft.Data.Sqlite:
/// an upgrade of either (one that initializes SQLite before the first connection, say) may undo it.
/// </summary>
public sealed class SqliteLibraryTests
{
    [Fact]
    public void SqliteTakesTheSettingsAndCountsNoMemoryWhileConnectionsWork()
    {
        Assert.True(SqliteLibrary.Configured);
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
            + " INSERT INTO t (v) SELECT hex(randomblob(64)) FROM json_each(json_array(1, 2, 3, 4, 5, 6, 7, 8));"
            + " SELECT count(*) FROM t";
        Assert.Equal(8L, command.ExecuteScalar());

        // With memory statistics on (SQLite's default), an open connection holding a table
        // counts tens of kilobytes here (77,712 bytes, checked on the bundled library).
        Assert.Equal(0L, SQLitePCL.raw.sqlite3_memory_used());
    }
}
