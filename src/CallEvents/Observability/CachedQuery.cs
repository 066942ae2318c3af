namespace CallEvents.Observability;

/// <summary>
/// A database read behind a probe or a scrape, shared and cached: every caller within
/// <c>freshFor</c> of the last answer gets that answer (a failure too), callers that come while
/// a read runs wait for that read, and a read is cancelled after <c>timeout</c>. So a storm of
/// probes or scrapes costs one query per <c>freshFor</c>, and a database that hangs holds
/// nobody longer than <c>timeout</c>.
/// </summary>
public sealed class CachedQuery<T>(Func<CancellationToken, Task<T>> query, TimeSpan freshFor, TimeSpan timeout, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private Task<T>? _last;
    private long _lastAt;

    public TimeSpan Timeout => timeout;

    public Task<T> GetAsync()
    {
        lock (_lock)
        {
            if (_last is not null && (!_last.IsCompleted || clock.GetElapsedTime(_lastAt) < freshFor))
            {
                return _last;
            }
            _lastAt = clock.GetTimestamp();
            return _last = Task.Run(RunAsync);
        }
    }

    private async Task<T> RunAsync()
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        try
        {
            return await query(deadline.Token);
        }
        finally
        {
            lock (_lock)
            {
                _lastAt = clock.GetTimestamp(); // fresh from when it answered
            }
        }
    }
}
