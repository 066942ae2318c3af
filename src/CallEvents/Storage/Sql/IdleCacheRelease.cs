namespace CallEvents.Storage.Sql;

/// <summary>
/// Once per <see cref="PreparedSql.IdleBeforeRelease"/>, every SQLite connection of
/// <see cref="PreparedSql"/>'s idle that long gives its page cache back (<c>PRAGMA
/// shrink_memory</c>; the connection stays open with its prepared statements). Under
/// bench/run.sh's loads these caches were most of what the server's RSS gained over a run, kept
/// through loads that never read them (bench/README.md, Memory under load (sessions 8 and 9)).
///
/// Nothing here waits, and nothing waits for it: a reader is released only once it is out of
/// the pool and so owned by this release alone (one at a time, the coldest first, so that at most
/// one reader is missing from the pool at once: a request that finds none idle opens another);
/// the writer is never touched from here, its owner (<see cref="WriteBatches"/>' loop) is told
/// to release it between two batches (<see cref="PreparedSql.SignalWriterIfIdle"/>). So neither
/// a lease, nor the writer, nor <see cref="Dispose"/> can be held up by a release.
/// </summary>
internal sealed class IdleCacheRelease : IDisposable
{
    private readonly PreparedSql _sql;
    private readonly Timer _timer;
    private int _running; // 1 while a tick runs: a tick late under load does not overlap the next one

    public IdleCacheRelease(PreparedSql sql)
    {
        _sql = sql;
        // Not with the caller's ExecutionContext: the timer outlives whatever first needed the pool.
        using (ExecutionContext.SuppressFlow())
        {
            _timer = new Timer(_ => Tick(), null, PreparedSql.IdleBeforeRelease, PreparedSql.IdleBeforeRelease);
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        try
        {
            // Each reader released goes back to the pool's cold end as released, so this ends.
            while (_sql.TakeIdleToRelease() is { } reader)
            {
                _sql.PutBackReleased(reader, reader.TryReleaseCache());
            }
            _sql.SignalWriterIfIdle();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Stops the ticks; one that is running finishes by itself (it waits for nothing).</summary>
    public void Dispose() => _timer.Dispose();
}
