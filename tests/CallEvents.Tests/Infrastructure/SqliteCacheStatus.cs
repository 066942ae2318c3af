namespace CallEvents.Tests.Infrastructure;

/// <summary>What a SQLite connection's page cache holds and has done, read from SQLite itself (<c>sqlite3_db_status</c>).</summary>
public static class SqliteCacheStatus
{
    private const int CacheUsed = 1;   // SQLITE_DBSTATUS_CACHE_USED
    private const int CacheSpill = 12; // SQLITE_DBSTATUS_CACHE_SPILL

    /// <summary>Bytes the connection's page cache holds now.</summary>
    public static long Used(SQLitePCL.sqlite3 handle) => Read(handle, CacheUsed, reset: false);

    /// <summary>
    /// Dirty pages the cache has written to the log in the middle of a transaction (it was too
    /// small for what the transaction changed) since the last reset; <paramref name="reset"/>
    /// starts the count again.
    /// </summary>
    public static long Spilled(SQLitePCL.sqlite3 handle, bool reset = false) => Read(handle, CacheSpill, reset);

    private static long Read(SQLitePCL.sqlite3 handle, int op, bool reset)
    {
        Assert.Equal(0, SQLitePCL.raw.sqlite3_db_status(handle, op, out var current, out _, reset ? 1 : 0));
        return current;
    }
}
