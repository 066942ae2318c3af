using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// Many deliveries at once, as under load: more than the sender's slots and its per-destination
/// limit, results written in batches, claims taken ahead of free slots. Each is still sent once,
/// in its call's order, and logged once.
/// </summary>
public sealed class ManyDeliveriesTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    private const int Calls = 25;
    private const int Steps = 4; // events per call: 100 in one report, the most one may carry

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Step(int call, int step) => new
    {
        callId = $"many-{call}",
        @event = "dial-in",
        extension = "0003*210",
        callerIdNum = "0003*211",
        callerIdName = $"step {step}",
        calledDid = "",
        calledExtension = "0003*210",
        callerExtension = "0003*211",
        calledNumber = "210",
        callStatus = "",
    };

    [Fact]
    public async Task AFullReportToThreeHooksOnOneReceiverIsSentOnceEachInEachCallsOrderAndLoggedOnceEach()
    {
        string[] paths = ["/many/a", "/many/b", "/many/c"];
        var ids = new Dictionary<string, string>();
        foreach (var path in paths)
        {
            ids[path] = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url(path));
        }
        // A call's steps are spread over the report, so that its order is the report's, not the rows' neighbourhood.
        await DispatchCalls.ReportAsync(fixture.Admin, Enumerable.Range(0, Steps).SelectMany(step => Enumerable.Range(0, Calls).Select(call => Step(call, step))).ToArray());

        var arrived = new List<ReceivedRequest>();
        for (var i = 0; i < paths.Length * Calls * Steps; i++)
        {
            arrived.Add(await fixture.Receiver.NextAsync());
        }
        Assert.False(await fixture.Receiver.AnyMoreAsync(1500));

        Assert.Equal(arrived.Count, arrived.Select(r => r.Header("webhook-id")).Distinct().Count());
        foreach (var byHookAndCall in arrived.GroupBy(r => (r.RawTarget, r.Parameter("CallID"))))
        {
            Assert.Equal(Enumerable.Range(0, Steps).Select(step => $"step+{step}"), byHookAndCall.Select(r => r.Parameter("CallerIDName")));
        }
        foreach (var path in paths)
        {
            var log = await DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, ids[path], entries => entries.Length >= Calls * Steps);
            Assert.Equal(Calls * Steps, log.Length);
            Assert.All(log, e => Assert.Equal("succeeded", e.GetProperty("outcome").GetString()));
            Assert.Equal(
                arrived.Where(r => r.RawTarget == path).Select(r => r.Header("webhook-id")).Order(),
                log.Select(e => "msg_" + e.GetProperty("id").GetString()).Order());
        }
    }
}
