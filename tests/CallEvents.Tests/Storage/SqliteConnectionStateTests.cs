using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CallEvents.Tests.Storage;

/// <summary>
/// What <see cref="SqliteConnectionState.IsInAutocommit"/> answers, on a real SQLite file: it asks
/// SQLite's native library past Microsoft.Data.Sqlite, so an upgrade of either may change it.
/// The write batches rely on the difference between the last two tests.
/// </summary>
public sealed class SqliteConnectionStateTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "callevents-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteConnection _connection;

    public SqliteConnectionStateTests()
    {
        Directory.CreateDirectory(_directory);
        _connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "state.db")};Pooling=False");
    }

    [Fact]
    public void AConnectionIsInAutocommitOnceOpenNotInsideBeginAndAgainAfterCommitOrRollback()
    {
        Assert.False(_connection.IsInAutocommit()); // closed: nothing to ask
        _connection.Open();
        Assert.True(_connection.IsInAutocommit());
        Execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        Assert.True(_connection.IsInAutocommit());

        Execute("BEGIN IMMEDIATE");
        Assert.False(_connection.IsInAutocommit());
        Execute("INSERT INTO t VALUES (1)");
        Assert.False(_connection.IsInAutocommit());
        Execute("ROLLBACK");
        Assert.True(_connection.IsInAutocommit());

        Execute("BEGIN");
        Assert.False(_connection.IsInAutocommit());
        Execute("COMMIT");
        Assert.True(_connection.IsInAutocommit());
    }

    [Fact]
    public void AFailedStatementThatSqliteUndoesAloneLeavesTheTransactionOpen()
    {
        _connection.Open();
        Execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)");

        Execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (2)");
        Assert.Throws<SqliteException>(() => Execute("INSERT INTO t VALUES (1)"));

        Assert.False(_connection.IsInAutocommit());
        Execute("COMMIT");
        Assert.Equal(2L, Count());
    }

    [Fact]
    public void AStatementThatMakesSqliteRollBackTheTransactionLeavesTheConnectionInAutocommit()
    {
        _connection.Open();
        Execute("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)");

        Execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (2)");
        Assert.Throws<SqliteException>(() => Execute("INSERT OR ROLLBACK INTO t VALUES (1)"));

        Assert.True(_connection.IsInAutocommit());
        Assert.Equal(1L, Count()); // the whole transaction is gone, row 2 with it
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Count()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _connection.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
