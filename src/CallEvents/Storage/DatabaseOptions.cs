using CallEvents.Hosting.Settings;

namespace CallEvents.Storage;

/// <summary>The <c>Database</c> configuration section; see docs/configuration.md.</summary>
public sealed class DatabaseOptions : ISettings
{
    public static string Section => "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Empty for SQLite means <c>{DataDirectory}/callevents.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public Durability Durability { get; set; } = Durability.Process;

    /// <summary>
    /// SQLite with <c>Durability=Full</c>: concurrent writes share one fsync (Storage/Sqlite/GroupCommit.cs).
    /// <c>false</c> falls back to SQLite's own <c>synchronous=FULL</c>, one fsync per commit.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>How long <c>serve</c> waits for an unreachable database at start (answering 503 meanwhile) before it gives up.</summary>
    public int StartupWaitSeconds { get; set; } = 300;

    /// <summary>
    /// SQLite: the write-ahead log's length, in MiB, from which the writer restarts it under a
    /// steady write load (Storage/Sqlite/WalCheckpoints.cs); without, it grows as long as the load lasts.
    /// </summary>
    public int LogRestartMiB { get; set; } = 512;

    public void Check(SettingsCheck check)
    {
        check.That(Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(ConnectionString), nameof(ConnectionString),
            "is required when Database:Provider is Postgres");
        check.AtLeast(StartupWaitSeconds, 0);
        check.AtLeast(LogRestartMiB, 1);
    }
}
