namespace CallEvents.Dispatch.Attempts;

public static class RetryPolicy
{
    /// <summary>
    /// The delay before the next attempt after <paramref name="runAttempts"/> attempts of this run,
    /// or null when the schedule is used up. Retry-After lengthens the delay, never shortens it.
    /// </summary>
    public static TimeSpan? NextDelay(DeliveryOptions options, int runAttempts, TimeSpan? retryAfter)
    {
        var schedule = options.EffectiveRetrySchedule;
        if (runAttempts > schedule.Count)
        {
            return null;
        }
        var jitter = Math.Clamp(options.RetryJitter, 0, 1);
        var delay = schedule[runAttempts - 1] * (1 + jitter * (2 * Random.Shared.NextDouble() - 1));
        if (retryAfter is { } after && after > delay)
        {
            delay = after < options.MaxRetryAfter ? after : options.MaxRetryAfter;
        }
        return delay;
    }
}
