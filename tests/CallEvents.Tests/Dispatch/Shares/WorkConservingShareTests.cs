using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch.Shares;

/// <summary>
/// The tenant share (Delivery:MaxConcurrencyPerTenant) binds only when it matters to another
/// tenant: a lone tenant whose receivers answer sends beyond it, up to every slot but one share,
/// which stays free for a tenant that comes later.
/// </summary>
public sealed class WorkConservingShareTests : IAsyncLifetime
{
    private const int MaxConcurrency = 8;
    private const int DefaultShare = MaxConcurrency / 4;

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Receiver> _receivers = [];
    private CallEventsHost _host = null!;
    private Receiver _quiet = null!;
    private int _held;

    public async Task InitializeAsync()
    {
        // Held requests wait up to 30 s: one that had to end before tenant B's delivery would make it miss the bound below.
        _host = await CallEventsHost.StartAsync([.. DispatchCalls.AllowLoopback, $"Delivery:MaxConcurrency={MaxConcurrency}", "Delivery:RequestTimeout=00:00:30"]);
        for (var i = 0; i < 4; i++)
        {
            var receiver = await Receiver.StartAsync();
            var answered = 0;
            // Each receiver answers its first request at once (tenant A's receivers are seen to
            // answer), then holds the others, so that what A has in flight can be counted.
            receiver.Respond = async (_, context) =>
            {
                if (Interlocked.Exchange(ref answered, 1) == 1)
                {
                    Interlocked.Increment(ref _held);
                    await _release.Task.WaitAsync(context.RequestAborted);
                }
                context.Response.StatusCode = 200;
            };
            _receivers.Add(receiver);
        }
        _quiet = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _host.DisposeAsync();
        foreach (var receiver in _receivers)
        {
            await receiver.DisposeAsync();
        }
        await _quiet.DisposeAsync();
    }

    [Fact]
    public async Task ALoneTenantWhoseReceiversAnswerSendsBeyondItsShareAndLeavesOneShareFreeForAnotherTenant()
    {
        using var user = _host.ClientWith(await _host.TokenAsync(a => a.User));
        using var admin = _host.ClientWith(await _host.TokenAsync(a => a.Admin));
        // Tenant A, organization 0003: four destinations, each allowed four requests, i.e. more than every slot.
        for (var i = 0; i < _receivers.Count; i++)
        {
            await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _receivers[i].Url($"/a-{i}"));
        }
        await DispatchCalls.ReportAsync(admin, Enumerable.Range(0, 30).Select(i => DispatchCalls.Event($"a-{i}", "dial-in", "0003*210")).ToArray());
        // Alone, A takes every slot but one share: three times its share here.
        await Eventually.UntilAsync(() => Volatile.Read(ref _held) >= MaxConcurrency - DefaultShare, TimeSpan.FromSeconds(20), () => "tenant A's requests beyond its share did not arrive");

        // Tenant B, organization 0004, finds the share that was kept free.
        await UapiCalls.CreateAsync(admin, "@owner", "0004*210", type: 0, method: 1, url: _quiet.Url("/quiet"));
        await DispatchCalls.ReportAsync(admin, DispatchCalls.Event("b-1", "dial-in", "0004*210"));

        var received = await _quiet.NextAsync(seconds: 5); // far below A's 30 s holds
        Assert.Equal("/quiet", received.RawTarget);
        Assert.Equal(MaxConcurrency - DefaultShare, Volatile.Read(ref _held)); // A never took the free share
    }
}
