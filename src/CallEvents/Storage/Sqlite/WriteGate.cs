namespace CallEvents.Storage.Sqlite;

/// <summary>
/// The one thing that orders writes: SQLite allows one writer at a time, and letting many
/// requests race for the file lock turns into busy-waits and "database is locked" errors under
/// load. Every write of the serving process takes this gate first, so writers queue in memory
/// instead (another process, such as the command line, meets SQLite's file lock and its
/// busy_timeout). On PostgreSQL the gate is open: the server handles concurrency.
///
/// Who takes it: EF Core's SaveChanges by itself (<see cref="GatedSaveChanges"/>), so writes made
/// by libraries (OpenIddict's token entries) queue here too; code that writes with
/// <c>ExecuteUpdate</c> or <c>ExecuteDelete</c> (the purge, replays) enters it around its unit of
/// work; and <see cref="Sql.WriteBatches"/> enters it once per batch of the hot paths' writes
/// (the API's, and every write of the delivery pipeline). A flow that already holds the gate is not made to
/// take it twice. Every entry marks the request as a writer, which is what
/// <see cref="GroupCommit"/> needs to know under <c>Durability=Full</c>.
/// </summary>
public sealed class WriteGate(DatabaseOptions options)
{
    private static readonly AsyncLocal<Holder?> Held = new();

    private readonly SemaphoreSlim? _semaphore = options.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    internal sealed class Holder
    {
        public bool Acquired;
    }

    /// <summary>Whether the current async flow holds the gate.</summary>
    internal static bool IsHeldHere => Held.Value is { Acquired: true };

    /// <remarks>
    /// Not an async method on purpose: the holder is set in the caller's execution context, so that
    /// code the caller runs while holding the gate (SaveChanges) can see it.
    /// </remarks>
    public ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        var holder = Begin();
        if (holder is null)
        {
            return ValueTask.FromResult(new Releaser(null, null));
        }
        var wait = _semaphore!.WaitAsync(cancellationToken);
        if (wait.IsCompletedSuccessfully)
        {
            holder.Acquired = true;
            return ValueTask.FromResult(new Releaser(_semaphore, holder));
        }
        return WaitAsync(wait, holder);
    }

    /// <summary>
    /// <see cref="EnterAsync"/> for synchronous callers (EF Core's synchronous SaveChanges): waits
    /// on the semaphore synchronously rather than blocking on an asynchronous wait.
    /// </summary>
    public Releaser Enter()
    {
        var holder = Begin();
        if (holder is null)
        {
            return new Releaser(null, null);
        }
        _semaphore!.Wait();
        holder.Acquired = true;
        return new Releaser(_semaphore, holder);
    }

    /// <summary>Marks the write and makes this flow's holder; null when the gate is open (PostgreSQL).</summary>
    private Holder? Begin()
    {
        GroupCommit.MarkWrite();
        if (_semaphore is null)
        {
            return null;
        }
        var holder = new Holder();
        Held.Value = holder;
        return holder;
    }

    private async ValueTask<Releaser> WaitAsync(Task wait, Holder holder)
    {
        await wait;
        holder.Acquired = true;
        return new Releaser(_semaphore, holder);
    }

    public readonly struct Releaser : IDisposable
    {
        private readonly SemaphoreSlim? _semaphore;
        private readonly Holder? _holder;

        internal Releaser(SemaphoreSlim? semaphore, Holder? holder)
        {
            _semaphore = semaphore;
            _holder = holder;
        }

        public void Dispose()
        {
            if (_holder is not null)
            {
                _holder.Acquired = false;
            }
            _semaphore?.Release();
        }
    }
}
