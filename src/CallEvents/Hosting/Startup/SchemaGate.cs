using CallEvents.Storage;
using CallEvents.Storage.Sql;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Hosting.Startup;

/// <summary>
/// Decides, before serving, whether the database schema is the one this build expects.
/// A brand-new embedded SQLite database is created on the spot (the one-command first run);
/// anything else that is behind needs <c>callevents migrate</c> or <c>serve --migrate</c>, and a
/// schema newer than this build is refused: an old node must not write into a newer schema.
/// </summary>
public static class SchemaGate
{
    /// <summary>The schema check once; a database that cannot be reached is a problem to report, not a crash.</summary>
    public static async Task<string?> CheckAsync(IServiceProvider services, bool migrate, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await CheckOnceAsync(services, migrate, logger, cancellationToken);
        }
        catch (Exception exception) when (DatabaseFaults.IsUnavailable(exception))
        {
            return $"The database could not be reached: {exception.GetBaseException().Message}";
        }
    }

    /// <summary>
    /// Whether the database has no schema at all yet (no migration applied: a SQLite file this
    /// start is about to create); an unreachable one counts as not new, for the check to report.
    /// </summary>
    public static async Task<bool> IsNewAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            return (await MigrationHistory.ReadAppliedAsync(services.GetRequiredService<PreparedSql>(), cancellationToken)).Count == 0;
        }
        catch (Exception exception) when (DatabaseFaults.IsUnavailable(exception))
        {
            return false;
        }
    }

    private static async Task<string?> CheckOnceAsync(IServiceProvider services, bool migrate, ILogger logger, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<DatabaseOptions>();
        var known = MigrationHistory.Known(options.Provider); // in order
        var applied = await MigrationHistory.ReadAppliedAsync(services.GetRequiredService<PreparedSql>(), cancellationToken);
        var newer = applied.Where(m => !known.Contains(m)).Order(StringComparer.Ordinal).ToList();
        if (newer.Count > 0)
        {
            return $"The database schema is newer than this build (unknown migrations: {string.Join(", ", newer)}). Run a newer CallEvents.";
        }
        // What GetPendingMigrationsAsync answers, without asking the database a second time (every
        // start runs this before it serves: bench/README.md, cold start).
        var pending = known.Where(m => !applied.Contains(m)).ToList();
        if (pending.Count == 0)
        {
            return null;
        }
        var fresh = applied.Count == 0 && options.Provider == DatabaseProvider.Sqlite;
        if (!migrate && !fresh)
        {
            return $"The database schema is behind this build ({pending.Count} migrations pending: {string.Join(", ", pending)}). Run 'callevents migrate' (or 'serve --migrate' in development).";
        }
        logger.LogInformation("Applying database migrations ({Count}): {Migrations}", pending.Count, string.Join(", ", pending));
        using var scope = services.CreateScope();
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<CallEventsDb>(), cancellationToken);
        return null;
    }

    /// <summary>
    /// <see cref="CheckAsync"/>, waiting for a database that cannot be reached yet (still
    /// starting, restarting, or the network not up): retried with backoff for
    /// <c>Database:StartupWaitSeconds</c>, then given up with a clear message. Anything other
    /// than unavailability (a wrong password, a missing database) fails at once.
    /// </summary>
    public static async Task<string?> WaitAndCheckAsync(IServiceProvider services, bool migrate, ILogger logger, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<DatabaseOptions>();
        var clock = services.GetRequiredService<TimeProvider>();
        var deadline = clock.GetUtcNow().AddSeconds(options.StartupWaitSeconds);
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CheckOnceAsync(services, migrate, logger, cancellationToken);
            }
            catch (Exception exception) when (DatabaseFaults.IsUnavailable(exception) && !cancellationToken.IsCancellationRequested)
            {
                if (clock.GetUtcNow() + delay > deadline)
                {
                    return $"The database could not be reached within {options.StartupWaitSeconds} s ({attempt} attempts): {exception.GetBaseException().Message}";
                }
                logger.LogWarning("The database is unreachable (attempt {Attempt}: {Reason}); requests get 503 until it answers. Retrying in {Delay} ms.",
                    attempt, exception.GetBaseException().Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    public static async Task MigrateAsync(CallEventsDb db, CancellationToken cancellationToken)
    {
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the file: readers never wait for the writer, and with
            // synchronous=NORMAL a commit survives a process crash.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
