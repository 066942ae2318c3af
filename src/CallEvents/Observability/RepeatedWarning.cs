namespace CallEvents.Observability;

/// <summary>
/// A warning whose cause can repeat many times a second (a failing disk under a loop that runs
/// ten times a second): logged the first time, then at most once per <paramref name="interval"/>,
/// saying how many were left out meanwhile, so that a lasting fault is one line a minute, not a flood.
/// Thread-safe.
/// </summary>
public sealed class RepeatedWarning(TimeSpan interval, TimeProvider clock)
{
    public RepeatedWarning(TimeSpan interval) : this(interval, TimeProvider.System)
    {
    }

    private readonly Lock _gate = new();
    private long _nextAt = long.MinValue; // the clock's timestamp from which the next one is logged
    private int _leftOut;

    /// <summary>True when this one is to be logged; <paramref name="leftOut"/>: how many were not since the last logged one.</summary>
    public bool ShouldLog(out int leftOut)
    {
        var now = clock.GetTimestamp();
        lock (_gate)
        {
            if (now < _nextAt)
            {
                _leftOut++;
                leftOut = 0;
                return false;
            }
            leftOut = _leftOut;
            _leftOut = 0;
            _nextAt = now + (long)(interval.TotalSeconds * clock.TimestampFrequency);
            return true;
        }
    }
}
