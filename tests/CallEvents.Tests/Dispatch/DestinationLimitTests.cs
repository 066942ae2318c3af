using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>One slow receiver takes at most its per-destination share of the sender; the others still get theirs.</summary>
public sealed class DestinationLimitTests : IAsyncLifetime
{
    private CallEventsHost _host = null!;
    private Receiver _slow = null!;
    private Receiver _fast = null!;

    public async Task InitializeAsync()
    {
        _host = await CallEventsHost.StartAsync([.. DispatchCalls.AllowLoopback, "Delivery:MaxConcurrency=3", "Delivery:MaxConcurrencyPerDestination=2", "Delivery:MaxConcurrencyPerTenant=3"]);
        _slow = await Receiver.StartAsync();
        _fast = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _slow.DisposeAsync();
        await _fast.DisposeAsync();
    }

    [Fact]
    public async Task ASlowReceiverHoldsAtMostItsLimitAndAnotherReceiverIsServedMeanwhile()
    {
        var release = new TaskCompletionSource();
        var inFlight = 0;
        var most = 0;
        _slow.Respond = async (_, context) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            context.Response.StatusCode = 200;
        };
        using var user = _host.ClientWith(await _host.TokenAsync(a => a.User));
        using var admin = _host.ClientWith(await _host.TokenAsync(a => a.Admin));
        await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _slow.Url("/slow"));
        await UapiCalls.CreateAsync(user, "@me", "0003*211", type: 0, method: 1, url: _fast.Url("/fast"));

        await DispatchCalls.ReportAsync(admin, Enumerable.Range(0, 6).Select(i => DispatchCalls.Event($"slow-{i}", "dial-in", "0003*210")).ToArray());
        await _slow.NextAsync();
        await _slow.NextAsync();
        await DispatchCalls.ReportAsync(admin, Enumerable.Range(0, 3).Select(i => DispatchCalls.Event($"fast-{i}", "dial-in", "0003*211")).ToArray());

        for (var i = 0; i < 3; i++)
        {
            await _fast.NextAsync(); // served while the slow receiver holds its two
        }
        // The receiver hands a request to NextAsync before its handler runs: wait for both slow
        // handlers to count themselves in, so a starved machine cannot make the count lag.
        await Eventually.UntilAsync(() => Volatile.Read(ref inFlight) == 2, TimeSpan.FromSeconds(20), () => $"{Volatile.Read(ref inFlight)} slow requests in flight");
        Assert.Equal(2, Volatile.Read(ref most));
        release.SetResult();
        for (var i = 2; i < 6; i++)
        {
            await _slow.NextAsync();
        }
        Assert.Equal(2, Volatile.Read(ref most));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
