namespace CallEvents.Storage;

public enum Durability
{
    /// <summary>An acknowledged write survives a crash of the process (SQLite WAL, synchronous=NORMAL).</summary>
    Process,

    /// <summary>An acknowledged write survives a power loss: it is on disk before the answer.</summary>
    Full,
}
