using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

public static class StorageSetup
{
    /// <summary>Where SQLite files, the HTTPS certificate and other local state live.</summary>
    public static string DataDirectory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["DataDirectory"] is { Length: > 0 } dir ? dir : "data");

    public static DatabaseOptions ReadOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (options.Provider == DatabaseProvider.Postgres)
            {
                throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
            }
            var directory = DataDirectory(configuration);
            Directory.CreateDirectory(directory);
            options.ConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(directory, "callevents.db"),
                Pooling = true,
            }.ToString();
        }
        return options;
    }

    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ReadOptions(configuration);
        services.AddSingleton(options);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var pragmas = new SqlitePragmas(options.Durability);
            services.AddDbContextPool<CallEventsDb, SqliteCallEventsDb>(db => db
                .UseSqlite(options.ConnectionString, sqlite => sqlite.MigrationsHistoryTable("ef_migrations_history"))
                .AddInterceptors(pragmas)
                .UseOpenIddict());
        }
        else
        {
            services.AddDbContextPool<CallEventsDb, PostgresCallEventsDb>(db => db
                .UseNpgsql(options.ConnectionString, npgsql => npgsql.MigrationsHistoryTable("ef_migrations_history"))
                .UseOpenIddict());
        }
        services.AddSingleton<WriteGate>();
        services.AddSingleton<DatabaseReadiness>();
        return services;
    }
}
