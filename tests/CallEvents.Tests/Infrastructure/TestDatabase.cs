using CallEvents.Storage;
using Npgsql;

namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// Which database the tests run on. SQLite (a file per host in its temp directory) unless
/// CALLEVENTS_TEST_PROVIDER=Postgres, in which case each host gets its own fresh database
/// (CREATE DATABASE per host, dropped when the host is disposed) on the server named by
/// CALLEVENTS_TEST_POSTGRES, a base connection string (see .ci/run).
/// </summary>
public static class TestDatabase
{
    public const string ProviderVariable = "CALLEVENTS_TEST_PROVIDER";
    public const string PostgresVariable = "CALLEVENTS_TEST_POSTGRES";

    /// <summary>The base connection string of the test PostgreSQL server, or null when none is configured.</summary>
    public static string? PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), "Postgres", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<string> Settings(string dataDirectory)
    {
        if (!IsPostgres)
        {
            return ["--Database:Provider=Sqlite"];
        }
        var connectionString = CreateDatabase(NameFor(dataDirectory));
        return ["--Database:Provider=Postgres", $"--Database:ConnectionString={connectionString}"];
    }

    public static Task DropAsync(string dataDirectory) =>
        IsPostgres ? DropDatabaseAsync(NameFor(dataDirectory)) : Task.CompletedTask;

    /// <summary>Creates an empty database on the test server and returns its connection string.</summary>
    public static string CreateDatabase(string name)
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            $"{ProviderVariable}=Postgres needs {PostgresVariable}, a connection string to a PostgreSQL server (see .ci/run).");
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        return ConnectionStringFor(server, name);
    }

    private static string ConnectionStringFor(string server, string database) =>
        new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

    public static async Task DropDatabaseAsync(string name)
    {
        var server = PostgresServer;
        if (server is null)
        {
            return;
        }
        // FORCE ends the host's sessions, idle in its pool by now, so the drop never waits; the
        // pools of this database are emptied too. Only this database's: every pool of the process
        // (ClearAllPools) closed the idle sessions of the other tests' hosts running beside this
        // one, so that SessionDropTests, say, found none of its node's to end.
        var database = ConnectionStringFor(server, name);
        foreach (var pool in new[] { database, StorageSetup.PostgresConnectionString(database) })
        {
            await using var pooled = new NpgsqlConnection(pool);
            NpgsqlConnection.ClearPool(pooled);
        }
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A database name unique to a host: its temp directory is unique already.</summary>
    public static string NameFor(string dataDirectory) => "callevents_test_" + Path.GetFileName(dataDirectory).ToLowerInvariant();
}
