namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// A test of the embedded SQLite engine itself (its files, its log): skipped, with the reason, when
/// the tests run on PostgreSQL (CALLEVENTS_TEST_PROVIDER=Postgres); .ci/run runs it in its SQLite pass.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.IsPostgres)
        {
            Skip = "a test of the SQLite engine: runs in the SQLite pass";
        }
    }
}
