using System.Diagnostics;

namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// Waits, bounded, for something another thread or process makes true (a request the server
/// sends, a counter a receiver's handler moves). Timed by a monotonic stopwatch, not the wall
/// clock: a clock step on a CI machine must not end the wait early.
/// </summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<bool> done, TimeSpan limit, Func<string> what)
    {
        var waited = Stopwatch.StartNew();
        while (!done())
        {
            if (waited.Elapsed > limit)
            {
                throw new Xunit.Sdk.XunitException($"not done within {limit.TotalSeconds:0} s: {what()}");
            }
            await Task.Delay(50);
        }
    }
}
