using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CallEvents.Storage;

/// <summary>
/// EF Core's first use in a process, begun on the second core while the first does other start
/// work: the compiled model's initialization (every entity, its relational model) while the host
/// is being built, then a pooled context with EF Core's internal service provider while the
/// start-up gates read the schema with plain SQL. Neither opens a connection or changes what the
/// command or the server then does: they run the same code a little earlier, on another thread,
/// so that the main thread finds it done (bench/README.md, Start and memory (session 9)).
/// </summary>
public static class StorageWarmUp
{
    private static int modelStarted;

    /// <summary>The provider's compiled model and its relational model, built once per process on a pool thread.</summary>
    public static void StartModel(DatabaseProvider provider)
    {
        if (Interlocked.Exchange(ref modelStarted, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static provider => Quietly(() => ModelOf(provider).GetRelationalModel()), provider, preferLocal: false);
        }
    }

    /// <summary>
    /// A context rented from the pool and given back, so that the pool, the context's options and
    /// EF Core's internal service provider exist when the command or the server first uses one.
    /// Await it before the services are disposed.
    /// </summary>
    public static Task StartContext(IServiceProvider services) => Task.Run(() => Quietly(() =>
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        _ = db.Database.CurrentTransaction; // resolved from EF Core's internal service provider, which is built for it
        _ = db.ChangeTracker.AutoDetectChangesEnabled;
    }));

    private static IModel ModelOf(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? CompiledModels.Sqlite.SqliteCallEventsDbModel.Instance
        : CompiledModels.Postgres.PostgresCallEventsDbModel.Instance;

    /// <summary>
    /// A failure here is not reported: the main thread meets the same one when it does the same
    /// work, and reports it there as it always has (a type initializer's, a bad setting's).
    /// </summary>
    private static void Quietly(Action warm)
    {
        try
        {
            warm();
        }
#pragma warning disable CA1031 // see the summary: the failure is reported where the work is done for real
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
