namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// A test that means nothing without a real PostgreSQL server: it is skipped, with the reason
/// in the test output, when CALLEVENTS_TEST_POSTGRES names none (never a silent pass).
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = $"needs PostgreSQL: set {TestDatabase.PostgresVariable} to a server connection string "
                + "(e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres) — .ci/run does";
        }
    }
}
