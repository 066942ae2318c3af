using System.Globalization;
using CallEvents.Storage.Migrations.Postgres;
using CallEvents.Storage.Migrations.Sqlite;
using CallEvents.Storage.Sql;

namespace CallEvents.Storage;

/// <summary>
/// The migrations this build has and the ones a database has applied, as the start-up gate
/// (Hosting/Startup/SchemaGate.cs) and the readiness probe compare them, without EF Core's
/// migrations machinery: asking EF Core (<c>GetMigrations</c>, <c>GetAppliedMigrationsAsync</c>)
/// builds its internal service provider, the history table's own model, and finds the
/// migrations by reflection over every type of callevents.dll — about two fifths of every CLI
/// command that opens the database (bench/README.md, Start and memory (sessions 5, 6)). Applying
/// migrations stays EF Core's (<see cref="Hosting.Startup.SchemaGate.MigrateAsync"/>).
/// </summary>
public static class MigrationHistory
{
    /// <summary>The history table EF Core keeps (<c>MigrationsHistoryTable</c> in <see cref="StorageSetup.AddStorage"/>).</summary>
    public const string Table = "ef_migrations_history";

    /// <summary>
    /// This build's migrations for <paramref name="provider"/>, in the order they apply: the ids of
    /// Storage/Migrations/{Sqlite,Postgres}, written by eng/add-migration.sh beside them;
    /// MigrationHistoryTests fails when a list is not exactly what EF Core finds.
    /// </summary>
    public static IReadOnlyList<string> Known(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? SqliteMigrationIds.All : PostgresMigrationIds.All;

    /// <summary>
    /// The migrations the database has applied (none when the history table does not exist yet),
    /// read as EF Core reads them: the table looked up first, then its ids; two short statements.
    /// </summary>
    private const string AppliedSql = $"""SELECT "MigrationId" FROM {Table}""";

    public static async Task<IReadOnlySet<string>> ReadAppliedAsync(PreparedSql sql, CancellationToken cancellationToken)
    {
        // PostgreSQL: to_regclass resolves the name through search_path, as the unqualified SELECT below does.
        var exists = sql.IsSqlite
            ? $"SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = '{Table}'"
            : $"SELECT to_regclass('{Table}') IS NOT NULL";
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var lease = await sql.OpenAsync(cancellationToken);
        try
        {
            if (!Convert.ToBoolean(await lease.Command(exists).ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture))
            {
                return applied;
            }
            await using var reader = await lease.Command(AppliedSql).ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
            return applied;
        }
        catch
        {
            lease.Fail(); // a connection the database dropped is not given to the next caller
            throw;
        }
    }
}
