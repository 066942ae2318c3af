namespace CallEvents.Storage.Sqlite;

/// <summary>
/// Process-wide settings of the SQLite library, applied once before its first connection opens
/// (SQLite accepts them only before it initializes). A library internal, as
/// <see cref="SqliteConnectionState"/>: SQLitePCL's native binding, because Microsoft.Data.Sqlite
/// has no public way; <c>SqliteLibraryTests</c> fail if an upgrade changes what it does.
/// </summary>
internal static class SqliteLibrary
{
    private const int ConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS

    private static readonly Lock Once = new();
    private static bool _applied;

    /// <summary>
    /// Whether SQLite took the settings (false when a connection of this process had opened
    /// before: they then stay SQLite's defaults, which are correct, only slower).
    /// </summary>
    public static bool Configured { get; private set; }

    /// <summary>
    /// Memory statistics off (<c>SQLITE_CONFIG_MEMSTATUS</c> 0): with them on, the build's
    /// default, every allocation and free of every connection takes one process-wide mutex to
    /// count bytes nobody here reads (no soft or hard heap limit is set); the deliveries drain
    /// makes hundreds of allocations per delivery (bench/README.md, Deliveries: the drain's
    /// profile (session 9)). Nothing about durability, atomicity or a connection's thread safety
    /// changes.
    /// </summary>
    public static void Configure()
    {
        lock (Once)
        {
            if (_applied)
            {
                return;
            }
            _applied = true;
            SQLitePCL.Batteries_V2.Init(); // what Microsoft.Data.Sqlite does first; it loads the library
            Configured = SQLitePCL.raw.sqlite3_config(ConfigMemStatus, 0) == SQLitePCL.raw.SQLITE_OK;
        }
    }
}
