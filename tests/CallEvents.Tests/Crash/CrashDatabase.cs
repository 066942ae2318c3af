using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CallEvents.Tests.Crash;

/// <summary>
/// What the server processes of one crash test share across kills and restarts: a data
/// directory and a database (the SQLite file in it, or a fresh PostgreSQL database on the test
/// server), plus the test's own connection to that database, for seeding rows faster than the
/// API could and for reading what is really stored once a process has been killed.
/// </summary>
public sealed class CrashDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private readonly string _connectionString;
    private int _nodes;

    private CrashDatabase(string dataDirectory, string? postgresName, string connectionString, string[] settings)
    {
        DataDirectory = dataDirectory;
        _postgresName = postgresName;
        _connectionString = connectionString;
        Settings = settings;
    }

    public string DataDirectory { get; }
    public bool IsPostgres => _postgresName is not null;

    /// <summary>The database settings, for <c>serve</c> and the CLI alike.</summary>
    public string[] Settings { get; }

    /// <summary>Where the test's raw connection finds the SQLite file, or PostgreSQL's database name.</summary>
    public string Database => _postgresName ?? Path.Combine(DataDirectory, "callevents.db");

    public static CrashDatabase Sqlite()
    {
        var directory = NewDirectory();
        var file = Path.Combine(directory, "callevents.db");
        // No pooling: the file is closed after each use, so the directory can be removed at the end.
        return new CrashDatabase(directory, null, $"Data Source={file};Pooling=False;Default Timeout=60",
            ["--Database:Provider=Sqlite", $"--DataDirectory={directory}"]);
    }

    /// <summary>A fresh database on the server named by CALLEVENTS_TEST_POSTGRES (only under [PostgresFact]).</summary>
    public static CrashDatabase Postgres()
    {
        var directory = NewDirectory();
        var name = TestDatabase.NameFor(directory);
        var connectionString = TestDatabase.CreateDatabase(name);
        return new CrashDatabase(directory, name, connectionString,
            ["--Database:Provider=Postgres", $"--Database:ConnectionString={connectionString}", $"--DataDirectory={directory}"]);
    }

    /// <summary>The schema (real migrations) and the demo tenant; the demo apps' credentials, as <c>demo --json</c> prints them.</summary>
    public async Task<JsonElement> CreateDemoAsync()
    {
        if (IsPostgres)
        {
            var (exitCode, output, error) = await NodeProcess.RunAsync(DataDirectory, ["migrate", .. Settings]);
            Assert.True(exitCode == 0, $"callevents migrate exited {exitCode}: {error}{output}");
        }
        var demo = await NodeProcess.CliJsonAsync(DataDirectory, Settings, "demo");
        return demo.GetProperty("apps");
    }

    /// <summary>A <c>callevents serve</c> process on this database (a free loopback port), serving once it returns.</summary>
    public Task<NodeProcess> ServeAsync(params string[] settings) =>
        NodeProcess.ServeAsync($"crash-{++_nodes}", DataDirectory, [.. Settings, "--Logging:LogLevel:Default=Warning", .. settings], migrate: false);

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        if (!IsPostgres)
        {
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
            await pragmas.ExecuteNonQueryAsync();
        }
        return connection;
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 120;
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 120;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every row of a query, its columns as text.</summary>
    public async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 120;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
            }
            rows.Add(row);
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresName is not null)
        {
            await TestDatabase.DropDatabaseAsync(_postgresName);
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // the OS cleans the temp directory
        }
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "callevents-tests", "crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
