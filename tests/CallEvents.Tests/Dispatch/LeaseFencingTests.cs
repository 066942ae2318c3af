using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// An attempt's result is fenced by its claim's lease, on one node and a fake clock (the same
/// rule across two nodes: DeliveryAcrossNodesTests, on PostgreSQL).
/// </summary>
public sealed class LeaseFencingTests(LeaseFencingTests.ShortLeaseFixture fixture) : IClassFixture<LeaseFencingTests.ShortLeaseFixture>, IAsyncLifetime
{
    /// <summary>
    /// A lease (30 s) shorter than the request timeout (1 h), as when a node pauses mid-request,
    /// and longer than the first retry delay (1 s).
    /// </summary>
    public sealed class ShortLeaseFixture()
        : FakeClockHostFixture(["Delivery:LeaseDuration=00:00:30", "Delivery:RequestTimeout=01:00:00", "Delivery:RetrySchedule:0=00:00:01"]);

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnAttemptThatOutlivedItsLeaseIsOnlyLoggedAndLeavesTheRowToTheClaimThatTookItOver(bool lateResultFirst)
    {
        // The first attempt hangs past its lease and is answered 503; the second, sent after the
        // row was claimed again, is answered 200. In either order of their results, the row is
        // the second claim's: had the late result moved it (to a retry, due again in 1 s), it
        // would be sent a third time.
        TaskCompletionSource[] answers = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
        var arrivals = 0;
        fixture.Receiver.Respond = async (_, context) =>
        {
            var arrival = Interlocked.Increment(ref arrivals);
            if (arrival <= answers.Length)
            {
                await answers[arrival - 1].Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            context.Response.StatusCode = arrival == 1 ? 503 : 200;
        };
        try
        {
            var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/paused"));
            await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-paused", "dial-in", "0003*210"));
            var first = await fixture.Receiver.NextAsync();
            var second = await fixture.AdvanceUntilNextAsync(TimeSpan.FromSeconds(31)); // past the first claim's lease

            foreach (var (answer, outcome) in lateResultFirst ? new[] { (0, "retrying"), (1, "succeeded") } : [(1, "succeeded"), (0, "retrying")])
            {
                answers[answer].SetResult();
                await DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, id, log => log.Any(e => e.GetProperty("outcome").GetString() == outcome));
                fixture.Clock.Advance(TimeSpan.FromSeconds(2)); // past the retry delay, within the second claim's lease
                Assert.False(await fixture.Receiver.AnyMoreAsync(500));
            }
            fixture.Clock.Advance(TimeSpan.FromMinutes(5));

            Assert.False(await fixture.Receiver.AnyMoreAsync(500));
            Assert.Equal(first.Header("webhook-id"), second.Header("webhook-id"));
            var log = await DispatchCalls.LogAsync(fixture.User, "0003*210", 0, id);
            Assert.Equal(["retrying", "succeeded"], log.Select(e => e.GetProperty("outcome").GetString()).Order());
        }
        finally
        {
            Array.ForEach(answers, answer => answer.TrySetResult());
        }
    }
}
