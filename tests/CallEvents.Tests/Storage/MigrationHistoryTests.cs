using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The start-up gate and the readiness probe compare this build's migrations with the database's
/// through Storage/MigrationHistory.cs (the ids listed beside the migrations, the history table
/// read with plain SQL), not through EF Core's migrations machinery: the list must be exactly what
/// EF Core finds and applies, and the read exactly what EF Core reads, or the gate would pass a
/// schema it should refuse.
/// </summary>
public sealed class MigrationHistoryTests
{
    [Fact]
    public void EachProvidersListOfMigrationsIsExactlyTheOnesEfCoreFindsInTheOrderItAppliesThem()
    {
        // Finding the migrations opens no connection: no PostgreSQL is needed.
        using var sqlite = new SqliteCallEventsDb(new DbContextOptionsBuilder<SqliteCallEventsDb>().UseSqlite("Data Source=:memory:").UseOpenIddict().Options);
        using var postgres = new PostgresCallEventsDb(new DbContextOptionsBuilder<PostgresCallEventsDb>().UseNpgsql("Host=127.0.0.1;Database=unused").UseOpenIddict().Options);

        foreach (var (provider, db) in new (DatabaseProvider, DbContext)[] { (DatabaseProvider.Sqlite, sqlite), (DatabaseProvider.Postgres, postgres) })
        {
            var found = db.Database.GetMigrations().ToList();
            Assert.True(found.Count >= 7, $"{provider}: EF Core found only {found.Count} migrations");
            Assert.True(found.SequenceEqual(MigrationHistory.Known(provider)),
                $"The {provider} migration ids are stale: run 'bash eng/add-migration.sh --models-only' (it rewrites Storage/Migrations/{provider}/{provider}MigrationIds.cs). EF Core finds: {string.Join(", ", found)}");
        }
    }

    [Fact]
    public async Task TheAppliedMigrationsReadAreTheOnesEfCoreReadsAnUnknownOneIncluded()
    {
        await using var host = await CallEventsHost.StartAsync();
        var sql = host.Services.GetRequiredService<PreparedSql>();
        using var scope = host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();

        Assert.Equal((await db.Database.GetAppliedMigrationsAsync()).Order(StringComparer.Ordinal), (await MigrationHistory.ReadAppliedAsync(sql, CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Equal(MigrationHistory.Known(host.Services.GetRequiredService<DatabaseOptions>().Provider).Count, (await MigrationHistory.ReadAppliedAsync(sql, CancellationToken.None)).Count);

        await db.Database.ExecuteSqlRawAsync("""INSERT INTO ef_migrations_history ("MigrationId", "ProductVersion") VALUES ('29991231000000_FromANewerBuild', '10.0.0')""");
        var applied = await MigrationHistory.ReadAppliedAsync(sql, CancellationToken.None);
        Assert.Contains("29991231000000_FromANewerBuild", applied);
        Assert.Equal((await db.Database.GetAppliedMigrationsAsync()).Order(StringComparer.Ordinal), applied.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MigrateOnAnEmptyDirectoryCreatesTheSchemaAndASecondRunFindsItUpToDate()
    {
        var data = Cli.Cli.NewDataDirectory(); // no history table yet: every migration is pending

        var first = await Cli.Cli.RunAsync(data, "migrate");
        var second = await Cli.Cli.RunAsync(data, "migrate");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("The database schema is up to date.", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(MigrationHistory.Known(DatabaseProvider.Sqlite), Applied(data));
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.DoesNotContain("Applying database migrations", second.Stdout + second.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommandOnASchemaNewerThanThisBuildIsRefusedWithTheUnknownMigrationNamed()
    {
        var data = Cli.Cli.NewDataDirectory();
        Assert.Equal(0, (await Cli.Cli.RunAsync(data, "demo", "--json")).ExitCode);
        Execute(data, """INSERT INTO ef_migrations_history ("MigrationId", "ProductVersion") VALUES ('29991231000000_FromANewerBuild', '10.0.0')""");

        foreach (var args in new[] { new[] { "migrate" }, ["consents", "list", "--account", "user-0003-ana"] })
        {
            var result = await Cli.Cli.RunAsync(data, args);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal("The database schema is newer than this build (unknown migrations: 29991231000000_FromANewerBuild). Run a newer CallEvents.", result.Stderr.Trim());
        }
    }

    [Fact]
    public async Task ACommandOnASchemaBehindThisBuildIsRefusedWithThePendingMigrationNamed()
    {
        var data = Cli.Cli.NewDataDirectory();
        Assert.Equal(0, (await Cli.Cli.RunAsync(data, "demo", "--json")).ExitCode);
        var last = MigrationHistory.Known(DatabaseProvider.Sqlite)[^1];
        // Its row gone, the database looks to the gate like one an older build migrated.
        Execute(data, $"""DELETE FROM ef_migrations_history WHERE "MigrationId" = '{last}'""");
        var down = await Cli.Cli.RunAsync(data, "apps", "add", "--account", "user-0003-ana", "--name", "Behind");
        Assert.Equal(2, down.ExitCode);
        Assert.Equal($"The database schema is behind this build (1 migrations pending: {last}). Run 'callevents migrate' (or 'serve --migrate' in development).", down.Stderr.Trim());
        Assert.Equal("", down.Stdout);
    }

    private static List<string> Applied(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "callevents.db")};Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = """SELECT "MigrationId" FROM ef_migrations_history ORDER BY "MigrationId" """;
        using var reader = select.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static void Execute(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "callevents.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
