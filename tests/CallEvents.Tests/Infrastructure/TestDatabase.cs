namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// Which database the tests run on. SQLite (a file per host in its temp directory) unless
/// CALLEVENTS_TEST_PROVIDER=Postgres, in which case each host gets its own database on the
/// server named by CALLEVENTS_TEST_POSTGRES (see .ci/run).
/// </summary>
public static class TestDatabase
{
    public static IEnumerable<string> Settings(string dataDirectory)
    {
        _ = dataDirectory;
        return ["--Database:Provider=Sqlite"];
    }

    public static Task DropAsync(string dataDirectory)
    {
        _ = dataDirectory;
        return Task.CompletedTask;
    }
}
