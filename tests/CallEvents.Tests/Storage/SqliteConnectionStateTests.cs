using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CallEvents.Tests.Storage;

/// <summary>
/// What <see cref="SqliteConnectionState.IsInAutocommit"/> and <see cref="SqliteConnectionState.TotalChanges"/>
/// answer, on a real SQLite file: they ask SQLite's native library past Microsoft.Data.Sqlite, so an
/// upgrade of either may change it. The write batches rely on the difference between the two
/// autocommit tests after the first, and on a unit that changed nothing reading the same total twice.
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

    [Fact]
    public void TotalChangesCountsEveryRowChangedCascadesIncludedAndNoneOfAStatementSqliteUndid()
    {
        Assert.Equal(0, _connection.TotalChanges()); // closed: nothing to ask
        _connection.Open();
        Execute("PRAGMA foreign_keys = ON; CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE TABLE c (t_id INTEGER REFERENCES t (id) ON DELETE CASCADE)");
        var start = _connection.TotalChanges();

        Execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1), (2); INSERT INTO c VALUES (1), (1)");
        Assert.Equal(start + 4, _connection.TotalChanges());
        Execute("SELECT count(*) FROM t");
        Assert.Equal(start + 4, _connection.TotalChanges());

        // A multi-row statement that fails on its second row: its first row is undone with it.
        Assert.Throws<SqliteException>(() => Execute("INSERT INTO t VALUES (3), (1)"));
        Assert.Equal(start + 4, _connection.TotalChanges());

        Execute("DELETE FROM t WHERE id = 1"); // and its two rows of c
        Assert.Equal(start + 7, _connection.TotalChanges());
        Execute("COMMIT");
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
