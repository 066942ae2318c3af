namespace CallEvents.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public enum Durability
{
    /// <summary>An acknowledged write survives a crash of the process (SQLite WAL, synchronous=NORMAL).</summary>
    Process,

    /// <summary>An acknowledged write survives a power loss: it is on disk before the answer.</summary>
    Full,
}

/// <summary>The <c>Database</c> configuration section; see docs/configuration.md.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Empty for SQLite means <c>{DataDirectory}/callevents.db</c>.</summary>
    public string? ConnectionString { get; set; }

    public Durability Durability { get; set; } = Durability.Process;

    /// <summary>How long <c>serve</c> waits for an unreachable database at start (answering 503 meanwhile) before it gives up.</summary>
    public int StartupWaitSeconds { get; set; } = 300;
}
