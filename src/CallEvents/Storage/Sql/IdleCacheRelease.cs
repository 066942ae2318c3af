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
///
/// After a tick that released a cache, with no write load running, the native heap is trimmed
/// (<see cref="NativeHeapTrim"/>, at most once per <see cref="MinTrimInterval"/>): SQLite's freed
/// pages otherwise stay resident in glibc's arenas.
/// </summary>
internal sealed class IdleCacheRelease : IDisposable
{
    private readonly PreparedSql _sql;
    private readonly Timer _timer;
    private int _running; // 1 while a tick runs: a tick late under load does not overlap the next one
    private long _lastTrim = long.MinValue / 2; // Environment.TickCount64 of the last trim (the first is never too soon)
    private int _trims;

    /// <summary>
    /// The least time between two trims of the native heap. A trim takes each arena's lock while it
    /// walks its free chunks, and the pages it gives back are faulted in (zeroed) again when next
    /// allocated: under a read load that keeps releasing a cold reader it runs at most once per
    /// this interval (never while the writer is busy), and between loads, when the memory is worth
    /// giving back, one follows the releases. Per release, which is per process: a server has one
    /// <see cref="PreparedSql"/> (the test process has many, and trims more often).
    /// </summary>
    internal static readonly TimeSpan MinTrimInterval = TimeSpan.FromSeconds(10);

    /// <summary>How many times this release has trimmed the native heap.</summary>
    internal int Trims => Volatile.Read(ref _trims);

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
            if (_sql.SignalWriterIfIdle())
            {
                TrimIfReleased(); // not under a write load: it would fault the pages in again at once
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Trims the native heap if a cache was released since the last trim and that was at least
    /// <see cref="MinTrimInterval"/> ago (releases within it wait for a later tick); called only in
    /// a tick in which the writer idled. The writer's release, signalled just before, runs in its
    /// own loop: its pages are trimmed at a later tick.
    /// </summary>
    private void TrimIfReleased()
    {
        var now = Environment.TickCount64;
        if (!NativeHeapTrim.Available || now - _lastTrim < (long)MinTrimInterval.TotalMilliseconds
            || !_sql.TakeReleasedSinceTrim() || !NativeHeapTrim.TryTrim())
        {
            return; // a failed trim turned trimming off for the process: nothing is left to wait for it
        }
        _lastTrim = now;
        Interlocked.Increment(ref _trims);
    }

    /// <summary>Stops the ticks; one that is running finishes by itself (it waits for nothing).</summary>
    public void Dispose() => _timer.Dispose();
}
