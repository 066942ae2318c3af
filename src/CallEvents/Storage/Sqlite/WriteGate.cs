namespace CallEvents.Storage.Sqlite;

/// <summary>
/// SQLite allows one writer at a time; letting many requests race for the file lock turns into
/// busy-waits and "database is locked" errors under load. Writes take this gate first, so they
/// queue in memory instead. On PostgreSQL the gate is open: the server handles concurrency.
/// EF Core's SaveChanges takes it by itself (<see cref="GatedSaveChanges"/>), so writes made by
/// libraries (OpenIddict's token entries) queue here too; a flow that already holds the gate is
/// not made to take it twice. Every entry marks the request as a writer, which is what
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
        GroupCommit.MarkWrite();
        if (_semaphore is null)
        {
            return ValueTask.FromResult(new Releaser(null, null));
        }
        var holder = new Holder();
        Held.Value = holder;
        var wait = _semaphore.WaitAsync(cancellationToken);
        if (wait.IsCompletedSuccessfully)
        {
            holder.Acquired = true;
            return ValueTask.FromResult(new Releaser(_semaphore, holder));
        }
        return WaitAsync(wait, holder);
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
