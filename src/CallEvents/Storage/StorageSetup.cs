using CallEvents.Hosting.Settings;
using CallEvents.Hosting.Startup;
using CallEvents.Storage.Secrets;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CallEvents.Storage;

public static class StorageSetup
{
    /// <summary>
    /// Where SQLite files, the HTTPS certificate, the secrets key and other local state live;
    /// private to the server's user (Storage/Secrets/PrivateFiles.cs).
    /// </summary>
    public static string DataDirectory(IConfiguration configuration) => SettingsReader.Read<DataDirectoryOptions>(configuration).FullPath;

    /// <summary>
    /// Read while the services are registered (the provider decides which), so checked then:
    /// a bad value stops every command at once (Hosting/Settings/SettingsReader.cs).
    /// </summary>
    public static DatabaseOptions ReadOptions(IConfiguration configuration)
    {
        var options = SettingsReader.Read<DatabaseOptions>(configuration);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var directory = DataDirectory(configuration);
            PrivateFiles.CreateDirectory(directory);
            options.ConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(directory, "callevents.db"),
                Pooling = true,
            }.ToString();
        }
        return options;
    }

    /// <summary>
    /// The operator's connection string, with <c>Application Name=callevents</c> unless it names
    /// one (so a node's sessions are recognisable in <c>pg_stat_activity</c>), automatic preparation
    /// and no reset on close unless it sets them. Pooling, timeouts
    /// and keepalives are Npgsql's defaults unless set; docs/scale-out.md says which to set.
    /// </summary>
    public static string PostgresConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "callevents";
        }
        // Statements run often are prepared on the server after their second use, per physical
        // connection (Npgsql's automatic preparation): the hot paths' SQL is fixed text
        // (PreparedSql.cs), so PostgreSQL skips parsing and planning it on every request.
        if (!Names(connectionString, "maxautoprepare"))
        {
            builder.MaxAutoPrepare = 64;
        }
        // A pooled connection is not reset when it goes back to the pool: Npgsql's reset is seven
        // statements (RESET ALL, pg_advisory_unlock_all(), DISCARD …) run before the next
        // command, and a list request opens two connections, so they were 14 of its 16 statements
        // (pg_stat_statements, bench/README.md). CallEvents leaves no session state behind to
        // reset: no SET, LISTEN, temporary table, cursor or session-level advisory lock (an
        // open transaction is still rolled back on close, reset or not).
        if (!Names(connectionString, "noresetonclose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// The database file is made 0600 before SQLite first opens it (created empty, which SQLite
    /// takes as an empty database, or tightened when an earlier version left it 0644). SQLite
    /// gives the -wal, -shm and -journal files it creates the database file's own mode, so they are
    /// private too; ones an earlier version left behind are tightened here.
    /// </summary>
    private static void MakeSqliteFilesPrivate(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var path = Path.GetFullPath(builder.DataSource);
        if (!File.Exists(path) && builder.Mode != SqliteOpenMode.ReadOnly && Directory.Exists(Path.GetDirectoryName(path)))
        {
            try
            {
                PrivateFiles.CreateNew(path, []);
            }
            catch (IOException) when (File.Exists(path))
            {
                // another process created it meanwhile
            }
        }
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            PrivateFiles.Tighten(path + suffix);
        }
    }

    /// <summary>Whether the operator's connection string sets this key (any spelling: "Max Auto Prepare", "MaxAutoPrepare").</summary>
    private static bool Names(string connectionString, string key) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(name => string.Equals(name.Replace(" ", "", StringComparison.Ordinal), key, StringComparison.OrdinalIgnoreCase));

    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        StorageWarmUp.StartModel(options.Provider); // while the host is built: its first context needs the model
        services.AddSingleton(options);
        services.AddSecretsAtRest(configuration, options);
        // Each provider's model is compiled ahead (Storage/CompiledModels, `dotnet ef dbcontext
        // optimize`, which eng/add-migration.sh reruns): building it from OnModelCreating was a
        // third of every start's and every CLI command's CPU (bench/README.md, Start and memory).
        // CompiledModelTests fails when it no longer matches what OnModelCreating builds.
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            SqliteLibrary.Configure(); // before any connection opens
            MakeSqliteFilesPrivate(options.ConnectionString!);
            services.AddDbContextPool<CallEventsDb, SqliteCallEventsDb>((provider, db) => db
                .UseModel(CompiledModels.Sqlite.SqliteCallEventsDbModel.Instance)
                .UseSqlite(options.ConnectionString, sqlite => sqlite.MigrationsHistoryTable(MigrationHistory.Table))
                .AddInterceptors(provider.GetRequiredService<SqlitePragmas>(), provider.GetRequiredService<GatedSaveChanges>())
                .UseOpenIddict());
        }
        else
        {
            // No retrying execution strategy: a retried commit whose first answer was lost
            // could apply twice, and it refuses the explicit transactions the app uses. A
            // failure is answered 503 + Retry-After instead, and the client retries.
            services.AddDbContextPool<CallEventsDb, PostgresCallEventsDb>(db => db
                .UseModel(CompiledModels.Postgres.PostgresCallEventsDbModel.Instance)
                .UseNpgsql(PostgresConnectionString(options.ConnectionString!), npgsql => npgsql.MigrationsHistoryTable(MigrationHistory.Table))
                .UseOpenIddict());
        }
        services.AddSingleton<WriteGate>();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<GatedSaveChanges>();
        services.AddSingleton(provider => new SqlitePragmas(options.Durability, provider.GetRequiredService<GroupCommit>()));
        services.AddSingleton<DatabaseReadiness>();
        services.AddSingleton<PreparedSql>();
        services.AddSingleton<WriteBatches>();
        services.AddSingleton<WalCheckpoints>();
        services.AddHostedService(provider => provider.GetRequiredService<WalCheckpoints>());
        return services;
    }
}
