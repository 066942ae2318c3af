using System.Collections.Concurrent;
using CallEvents.Uapi;

namespace CallEvents.Limits;

/// <summary>
/// Counts failures per key in fixed windows; a key that has spent its budget is refused until
/// its window ends. Only failures are counted (<see cref="Count(string)"/>); a check
/// (<see cref="RetryAfter"/>) neither counts nor creates an entry, so a client that succeeds
/// costs no memory. Memory is bounded: at most <c>maxKeys</c> entries; when full, expired ones
/// are swept, and if the keys still in their window fill it, the failures of new keys count in one
/// shared overflow entry (a flood of distinct keys is throttled together rather than not at all).
/// </summary>
public sealed class FailureBudget(int limit, TimeSpan window, int maxKeys, TimeProvider clock)
{
    private const string Overflow = "\0overflow";

    /// <summary>A budget of <paramref name="limit"/> failures per window of the shared settings, or none when the setting is 0 (off).</summary>
    public static FailureBudget? Of(int limit, RateLimitingOptions options, TimeProvider clock) =>
        limit == 0 ? null : new FailureBudget(limit, options.FailureWindow, options.MaxTrackedFailureSources, clock);

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private sealed class Counter(long windowEnd)
    {
        public long WindowEnd = windowEnd;
        public int Failures;
    }

    public int Keys => _counters.Count;

    /// <summary>The later of two budgets' refusals (null when neither refuses): a request refused by either waits for both.</summary>
    public static TimeSpan? Longest(TimeSpan? first, TimeSpan? second) => first > second || second is null ? first : second;

    /// <summary>How long <paramref name="key"/> is still refused, or null when it has budget left.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        if (!_counters.TryGetValue(key, out var counter) && (_counters.Count < maxKeys || !_counters.TryGetValue(Overflow, out counter)))
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcTicks;
        lock (counter)
        {
            return counter.WindowEnd > now && counter.Failures >= limit ? TimeSpan.FromTicks(counter.WindowEnd - now) : null;
        }
    }

    /// <summary>Counts one failure of <paramref name="key"/>.</summary>
    public void Count(string key)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (!_counters.TryGetValue(key, out var counter))
        {
            if (_counters.Count >= maxKeys)
            {
                Sweep(now);
            }
            counter = _counters.Count >= maxKeys
                ? _counters.GetOrAdd(Overflow, _ => new Counter(now + window.Ticks))
                : _counters.GetOrAdd(key, _ => new Counter(now + window.Ticks));
        }
        lock (counter)
        {
            if (counter.WindowEnd <= now)
            {
                counter.WindowEnd = now + window.Ticks;
                counter.Failures = 0;
            }
            counter.Failures++;
        }
    }

    private void Sweep(long now)
    {
        foreach (var pair in _counters)
        {
            if (Volatile.Read(ref pair.Value.WindowEnd) <= now)
            {
                _counters.TryRemove(pair);
            }
        }
    }
}
