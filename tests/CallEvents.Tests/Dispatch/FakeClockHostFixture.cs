using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// A server whose clock is a <see cref="FakeTimeProvider"/>: retries, Retry-After, timeouts
/// and the auto-disable window happen when a test advances the clock, not after real waits.
/// Schedule: attempts at 0, +10 s, +1 min, +2 h (then final); auto-disable after 1 h of failures.
/// A derived fixture may add settings.
/// </summary>
public class FakeClockHostFixture : ReceiverHostFixture
{
    private readonly string[] _settings;

    public FakeClockHostFixture()
        : this([])
    {
    }

    protected FakeClockHostFixture(string[] settings) => _settings = settings;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override Task<CallEventsHost> StartHostAsync() =>
        CallEventsHost.StartAsync(
            [
                ..DispatchCalls.AllowLoopback,
                "Delivery:RetrySchedule:0=00:00:10",
                "Delivery:RetrySchedule:1=00:01:00",
                "Delivery:RetrySchedule:2=02:00:00",
                "Delivery:AutoDisableAfter=01:00:00",
                .._settings,
            ],
            services => services.AddSingleton<TimeProvider>(Clock));

    /// <summary>
    /// Advances the clock by <paramref name="by"/> and returns the next request the receiver
    /// gets. The sender arms its poll timer on its own thread: when it does so just after the
    /// advance, the timer is due one poll interval later on a clock nobody moves. So while
    /// nothing arrives, the clock is nudged on by one poll interval at a time (bounded).
    /// </summary>
    public async Task<ReceivedRequest> AdvanceUntilNextAsync(TimeSpan by)
    {
        Clock.Advance(by);
        for (var nudge = 0; nudge < 10; nudge++)
        {
            if (await Receiver.AnyMoreAsync(1500))
            {
                return await Receiver.NextAsync();
            }
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        return await Receiver.NextAsync();
    }

    public async Task ResetAsync()
    {
        await RenewTokensAsync();
        foreach (var extension in new[] { "0003*210", "0003*211" })
        {
            using var _ = await User.DeleteAsync(UapiCalls.Events("@me", extension));
        }
        Receiver.Respond = (_, context) => { context.Response.StatusCode = 200; return Task.CompletedTask; };
        while (await Receiver.AnyMoreAsync(0))
        {
            await Receiver.NextAsync();
        }
    }

}
