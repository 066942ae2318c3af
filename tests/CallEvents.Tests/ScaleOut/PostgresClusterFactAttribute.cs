using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// A test that starts (and stops) a PostgreSQL server of its own: it runs with the PostgreSQL
/// tests, and is skipped with the reason when those are off or the server binaries are missing.
/// </summary>
public sealed class PostgresClusterFactAttribute : FactAttribute
{
    public PostgresClusterFactAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = $"runs with the PostgreSQL tests: set {TestDatabase.PostgresVariable} (.ci/run does)";
        }
        else if (PostgresCluster.BinDirectory is null)
        {
            Skip = "needs the PostgreSQL 15 server binaries (initdb, pg_ctl): set CALLEVENTS_PG_BIN to their directory";
        }
    }
}
