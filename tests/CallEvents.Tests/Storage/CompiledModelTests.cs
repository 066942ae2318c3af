using CallEvents.Storage;
using CallEvents.Storage.CompiledModels.Postgres;
using CallEvents.Storage.CompiledModels.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The server runs on the compiled models (Storage/CompiledModels, StorageSetup.AddStorage), not on
/// OnModelCreating: a change to the model that is not followed by `bash eng/add-migration.sh`
/// (which regenerates them) would map the old columns silently. Each compiled model must describe
/// exactly what OnModelCreating builds today, with the same options the server gives the provider.
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void TheCompiledSqliteModelIsTheOneOnModelCreatingBuilds()
    {
        DbContextOptionsBuilder<SqliteCallEventsDb> Options() => new DbContextOptionsBuilder<SqliteCallEventsDb>()
            .UseSqlite("Data Source=:memory:", sqlite => sqlite.MigrationsHistoryTable("ef_migrations_history")).UseOpenIddict();
        using var built = new SqliteCallEventsDb(Options().Options);
        using var compiled = new SqliteCallEventsDb(Options().UseModel(SqliteCallEventsDbModel.Instance).Options);

        AssertSameModel(built, compiled);
    }

    [Fact]
    public void TheCompiledPostgresModelIsTheOneOnModelCreatingBuilds()
    {
        // Building a model opens no connection: no PostgreSQL is needed.
        DbContextOptionsBuilder<PostgresCallEventsDb> Options() => new DbContextOptionsBuilder<PostgresCallEventsDb>()
            .UseNpgsql("Host=127.0.0.1;Database=unused", npgsql => npgsql.MigrationsHistoryTable("ef_migrations_history")).UseOpenIddict();
        using var built = new PostgresCallEventsDb(Options().Options);
        using var compiled = new PostgresCallEventsDb(Options().UseModel(PostgresCallEventsDbModel.Instance).Options);

        AssertSameModel(built, compiled);
    }

    [Fact]
    public void TheComparisonSeesAColumnThatChanged()
    {
        // Otherwise the two tests above could pass on any two models.
        using var compiled = new SqliteCallEventsDb(new DbContextOptionsBuilder<SqliteCallEventsDb>()
            .UseSqlite("Data Source=:memory:").UseOpenIddict().UseModel(SqliteCallEventsDbModel.Instance).Options);
        using var changed = new LongerNotes(new DbContextOptionsBuilder<LongerNotes>().UseSqlite("Data Source=:memory:").UseOpenIddict().Options);

        Assert.NotEqual(Describe(compiled.Model), Describe(changed.Model));
    }

    private static void AssertSameModel(DbContext built, DbContext compiled)
    {
        // Both as the runtime uses them (initialized for the provider): what OnModelCreating and
        // the provider's conventions make now, and what was compiled.
        var expected = Describe(built.Model);
        Assert.Contains(" trigger trg_phone_call_events_count_insert ", expected);
        Assert.True(expected == Describe(compiled.Model),
            "The compiled model is stale: run 'bash eng/add-migration.sh <Name>' after changing the model (it adds the migration and regenerates Storage/CompiledModels).");
    }

    /// <summary>
    /// Every entity, column, key, index (with its filter), foreign key and annotation the mapping
    /// uses, and the declared triggers, which the debug view leaves out (Storage/EventCountTriggers.cs);
    /// then what the compiled model carries ready-made instead of building at first use
    /// (eng/add-migration.sh's --nativeaot): the relational model (tables, columns and their types,
    /// keys, foreign keys, indexes; its column annotations are the design-time ones, which the model
    /// built at run time leaves out) and each property's type mapping.
    /// </summary>
    private static string Describe(IModel model) => model.ToDebugString(MetadataDebugStringOptions.LongDefault) + "\n"
        + string.Join("\n", model.GetEntityTypes().SelectMany(e => e.GetDeclaredTriggers().Select(t => $"{e.Name} trigger {t.ModelName} on {t.GetTableName()}")).Order(StringComparer.Ordinal)) + "\n"
        + model.GetRelationalModel().ToDebugString(MetadataDebugStringOptions.ShortDefault) + "\n"
        + string.Join("\n", model.GetEntityTypes().SelectMany(e => e.GetProperties().Select(p => $"{e.Name}.{p.Name}: {Mapping(p)}")).Order(StringComparer.Ordinal));

    /// <summary>What a property's value is written and read as (the comparers' and converters' own classes differ: the compiled ones are generated).</summary>
    private static string Mapping(IProperty property)
    {
        var mapping = (Microsoft.EntityFrameworkCore.Storage.RelationalTypeMapping)property.GetTypeMapping();
        return $"{mapping.StoreType} {mapping.DbType} {mapping.ClrType.Name} size {mapping.Size} unicode {mapping.IsUnicode} fixed {mapping.IsFixedLength}"
            + $" precision {mapping.Precision} scale {mapping.Scale} stored as {mapping.Converter?.ProviderClrType.Name ?? "itself"}";
    }

    /// <summary>The real model with one column's length changed, as an edit to OnModelCreating would.</summary>
    private sealed class LongerNotes(DbContextOptions<LongerNotes> options) : CallEventsDb(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            base.OnModelCreating(modelBuilder);
            modelBuilder.Entity<CallEvents.PhoneCallEvents.PhoneCallEvent>().Property(p => p.Note).HasMaxLength(2048);
        }
    }
}
