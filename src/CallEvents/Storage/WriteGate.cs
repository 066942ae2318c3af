namespace CallEvents.Storage;

/// <summary>
/// SQLite allows one writer at a time; letting many requests race for the file lock turns into
/// busy-waits and "database is locked" errors under load. Writes take this gate first, so they
/// queue in memory instead. On PostgreSQL the gate is open: the server handles concurrency.
/// </summary>
public sealed class WriteGate(DatabaseOptions options)
{
    private readonly SemaphoreSlim? _semaphore = options.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is not null)
        {
            await _semaphore.WaitAsync(cancellationToken);
        }
        return new Releaser(_semaphore);
    }

    public readonly struct Releaser(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
