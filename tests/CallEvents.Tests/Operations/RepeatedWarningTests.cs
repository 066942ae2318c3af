using CallEvents.Observability;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.Operations;

/// <summary>A fault that repeats every tick is one warning per interval, which says how many it left out.</summary>
public sealed class RepeatedWarningTests
{
    [Fact]
    public void TheFirstIsLoggedTheRepeatsAreCountedAndTheNextAfterTheIntervalSaysHowMany()
    {
        var clock = new FakeTimeProvider();
        var warning = new RepeatedWarning(TimeSpan.FromMinutes(1), clock);

        Assert.True(warning.ShouldLog(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            Assert.False(warning.ShouldLog(out _));
        }

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(warning.ShouldLog(out _));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(warning.ShouldLog(out var leftOut));
        Assert.Equal(6, leftOut);
        Assert.False(warning.ShouldLog(out _));
    }

    [Fact]
    public void ManyThreadsAtOnceLogOneAndCountTheRest()
    {
        var warning = new RepeatedWarning(TimeSpan.FromHours(1));
        var logged = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (warning.ShouldLog(out _))
            {
                Interlocked.Increment(ref logged);
            }
        });

        Assert.Equal(1, logged);
    }
}
