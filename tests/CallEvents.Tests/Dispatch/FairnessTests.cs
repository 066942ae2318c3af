using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// One tenant's hanging receivers, over many destinations, hold at most its share of the sender
/// (Delivery:MaxConcurrencyPerTenant, by default a quarter of MaxConcurrency); another tenant's
/// delivery takes a free slot meanwhile, past that tenant's backlog in the queue.
/// </summary>
public sealed class FairnessTests : IAsyncLifetime
{
    private const int MaxConcurrency = 8;
    private const int DefaultShare = MaxConcurrency / 4;

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Receiver> _hanging = [];
    private CallEventsHost _host = null!;
    private Receiver _quiet = null!;

    public async Task InitializeAsync()
    {
        // Requests that hang for 30 s: a delivery that waited for one of them would arrive long after the bound below.
        _host = await CallEventsHost.StartAsync([.. DispatchCalls.AllowLoopback, $"Delivery:MaxConcurrency={MaxConcurrency}", "Delivery:RequestTimeout=00:00:30"]);
        for (var i = 0; i < 4; i++)
        {
            var receiver = await Receiver.StartAsync();
            receiver.Respond = async (_, context) =>
            {
                await _release.Task.WaitAsync(context.RequestAborted);
                context.Response.StatusCode = 200;
            };
            _hanging.Add(receiver);
        }
        _quiet = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _host.DisposeAsync();
        foreach (var receiver in _hanging)
        {
            await receiver.DisposeAsync();
        }
        await _quiet.DisposeAsync();
    }

    [Fact]
    public async Task ATenantWhoseReceiversHangHoldsAtMostItsShareAndAnotherTenantsDeliveryArrivesMeanwhile()
    {
        using var user = _host.ClientWith(await _host.TokenAsync(a => a.User));
        using var admin = _host.ClientWith(await _host.TokenAsync(a => a.Admin));
        // Tenant A, organization 0003: four destinations, each allowed four requests, i.e. more than every slot.
        for (var i = 0; i < _hanging.Count; i++)
        {
            await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _hanging[i].Url($"/hang-{i}"));
        }
        // A backlog of 30 calls × 4 hooks, all due before tenant B's delivery.
        await DispatchCalls.ReportAsync(admin, Enumerable.Range(0, 30).Select(i => DispatchCalls.Event($"a-{i}", "dial-in", "0003*210")).ToArray());
        await Eventually.UntilAsync(() => Hanging() >= DefaultShare, TimeSpan.FromSeconds(20), () => "tenant A's first requests did not arrive");

        // Tenant B, organization 0004.
        await UapiCalls.CreateAsync(admin, "@owner", "0004*210", type: 0, method: 1, url: _quiet.Url("/quiet"));
        await DispatchCalls.ReportAsync(admin, DispatchCalls.Event("b-1", "dial-in", "0004*210"));

        // Far below A's 30 s hang: B did not wait for any of A's requests to end.
        var received = await _quiet.NextAsync(seconds: 5);
        Assert.Equal("/quiet", received.RawTarget);
        Assert.Equal(DefaultShare, Hanging()); // A's requests in flight: its share, no more
    }

    private int Hanging() => _hanging.Sum(r => r.All.Count);
}
