using System.Globalization;
using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>Retries, Retry-After, final answers and timeouts, on a fake clock.</summary>
public sealed class RetryTests(FakeClockHostFixture fixture) : IClassFixture<FakeClockHostFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private Receiver Receiver => fixture.Receiver;

    private async Task<string> HookAsync(string path)
    {
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: Receiver.Url(path));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-" + path.Trim('/'), "dial-in", "0003*210"));
        return id;
    }

    private Task<System.Text.Json.JsonElement[]> LogUntilAsync(string id, int entries) =>
        DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, id, log => log.Length >= entries);

    private void Answer(int status, string? retryAfter = null) => Receiver.Respond = (_, context) =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
        return Task.CompletedTask;
    };

    [Fact]
    public async Task A503IsRetriedOnTheScheduleWithTheSameWebhookIdThenFailsAndTheEventIsDisabled()
    {
        Answer(503);
        var id = await HookAsync("/unavailable");
        var first = await Receiver.NextAsync();
        await LogUntilAsync(id, 1);

        fixture.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(await Receiver.AnyMoreAsync(300));
        var second = await fixture.AdvanceUntilNextAsync(TimeSpan.FromSeconds(1));
        await LogUntilAsync(id, 2);
        var third = await fixture.AdvanceUntilNextAsync(TimeSpan.FromMinutes(1));
        await LogUntilAsync(id, 3);
        var fourth = await fixture.AdvanceUntilNextAsync(TimeSpan.FromHours(2));
        await fixture.RenewTokensAsync();
        var log = await LogUntilAsync(id, 4);
        fixture.Clock.Advance(TimeSpan.FromDays(1));
        Assert.False(await Receiver.AnyMoreAsync(300));
        await fixture.RenewTokensAsync();

        Assert.All(new[] { second, third, fourth }, r => Assert.Equal(first.Header("webhook-id"), r.Header("webhook-id")));
        Assert.Equal(["failed", "retrying", "retrying", "retrying"], log.Select(e => e.GetProperty("outcome").GetString()));
        Assert.Equal(["4", "3", "2", "1"], log.Select(e => e.GetProperty("attempt").GetString()));
        Assert.All(log, e => Assert.Equal("503", e.GetProperty("httpStatus").GetString()));
        // More than an hour of failures without a success: disabled, and the log says why.
        Assert.Contains("disabled", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        using var get = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210", "0", id));
        Assert.Equal("0", (await UapiCalls.ReadJsonAsync(get)).GetProperty("entry")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A429WithRetryAfterWaitsAsLongAsTheReceiverAsks()
    {
        Answer(429, retryAfter: "120");
        var id = await HookAsync("/throttled");
        await Receiver.NextAsync();
        await LogUntilAsync(id, 1);
        Answer(200);

        fixture.Clock.Advance(TimeSpan.FromSeconds(119));
        Assert.False(await Receiver.AnyMoreAsync(300));
        await fixture.AdvanceUntilNextAsync(TimeSpan.FromSeconds(1));
        var log = await LogUntilAsync(id, 2);

        Assert.Equal(["succeeded", "retrying"], log.Select(e => e.GetProperty("outcome").GetString()));
        Assert.False(log[0].TryGetProperty("error", out _));
    }

    [Theory]
    [InlineData(410)]
    [InlineData(404)]
    [InlineData(400)]
    [InlineData(302)]
    public async Task A410OtherClientErrorsAndRedirectsAreFinal(int status)
    {
        Receiver.Respond = (request, context) =>
        {
            context.Response.StatusCode = request.RawTarget == "/elsewhere" ? 200 : status;
            context.Response.Headers.Location = Receiver.Url("/elsewhere");
            return Task.CompletedTask;
        };
        var id = await HookAsync("/final");
        await Receiver.NextAsync();
        var log = await LogUntilAsync(id, 1);

        fixture.Clock.Advance(TimeSpan.FromHours(3));
        Assert.False(await Receiver.AnyMoreAsync(300)); // neither a retry nor the redirect's target
        Assert.Equal("failed", log[0].GetProperty("outcome").GetString());
        Assert.Equal(status.ToString(CultureInfo.InvariantCulture), log[0].GetProperty("httpStatus").GetString());
    }

    [Fact]
    public async Task ARequestThatTakesLongerThanTheTimeoutIsAbandonedAndRetried()
    {
        var release = new TaskCompletionSource();
        Receiver.Respond = async (_, context) =>
        {
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }));
            context.Response.StatusCode = 200;
        };
        var id = await HookAsync("/slow");
        await Receiver.NextAsync();

        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        var log = await LogUntilAsync(id, 1);
        release.SetResult();

        Assert.Equal("retrying", log[0].GetProperty("outcome").GetString());
        Assert.False(log[0].TryGetProperty("httpStatus", out _));
        Assert.Contains("timed out", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("10000", log[0].GetProperty("latencyMs").GetString());
        Answer(200);
        await fixture.AdvanceUntilNextAsync(TimeSpan.FromSeconds(10));
        await LogUntilAsync(id, 2);
    }

    [Fact]
    public async Task OneCallsDeliveriesToAnEventGoInOrderUnderRetriesWhileOtherCallsProceed()
    {
        Receiver.Respond = (request, context) =>
        {
            context.Response.StatusCode = request.Parameter("CallerIDName") == "first" && Receiver.All.Count(r => r.Parameter("CallerIDName") == "first") == 1 ? 503 : 200;
            return Task.CompletedTask;
        };
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: Receiver.Url("/ordered"));
        object Named(string callId, string name) => new { callId, @event = "dial-in", extension = "0003*210", callerIdName = name };
        await DispatchCalls.ReportAsync(fixture.Admin, new[] { Named("call-A", "first"), Named("call-A", "second"), Named("call-B", "other") });

        // Two calls: "first" and "other" go out together, in either order; "second" waits.
        var arrived = new List<string> { (await Receiver.NextAsync()).Parameter("CallerIDName"), (await Receiver.NextAsync()).Parameter("CallerIDName") };
        Assert.Equal(["first", "other"], arrived.Order());
        await LogUntilAsync(id, 2);
        Assert.False(await Receiver.AnyMoreAsync(300)); // "second" waits for "first"

        arrived.Add((await fixture.AdvanceUntilNextAsync(TimeSpan.FromSeconds(10))).Parameter("CallerIDName"));
        arrived.Add((await Receiver.NextAsync()).Parameter("CallerIDName"));
        Assert.Equal(["first", "second"], arrived[2..]);
    }

    [Fact]
    public async Task DeletingAnEventCancelsItsQueuedDeliveries()
    {
        Answer(503);
        var id = await HookAsync("/deleted");
        await Receiver.NextAsync();
        await LogUntilAsync(id, 1);

        using var deleted = await fixture.User.DeleteAsync(UapiCalls.Events("@me", "0003*210", "0", id));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.False(await Receiver.AnyMoreAsync(500));
        using var log = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210", "0", id) + "/deliveries");
        await UapiCalls.AssertErrorAsync(log, HttpStatusCode.BadRequest, "pce_id_invalid");
    }

    [Fact]
    public async Task DisablingAnEventCancelsItsQueuedDeliveriesWithALogEntry()
    {
        Answer(503);
        var id = await HookAsync("/disabled");
        await Receiver.NextAsync();
        await LogUntilAsync(id, 1);

        using var _ = await UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", "0003*210", "0", id), new { status = "0" });
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));

        var log = await LogUntilAsync(id, 2);
        Assert.False(await Receiver.AnyMoreAsync(300));
        Assert.Equal("cancelled", log[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task AFailedDeliveryCanBeReplayedOneByIdOrAllSinceATime()
    {
        Answer(410);
        var id = await HookAsync("/replayed");
        var original = await Receiver.NextAsync();
        var log = await LogUntilAsync(id, 1);
        Answer(200);
        var deliveries = UapiCalls.Events("@me", "0003*210", "0", id) + "/deliveries";

        using var one = await fixture.User.PostAsync($"{deliveries}/{log[0].GetProperty("id").GetString()}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        Assert.Equal(original.Header("webhook-id"), (await Receiver.NextAsync()).Header("webhook-id"));
        log = await LogUntilAsync(id, 2);
        Assert.Equal("succeeded", log[0].GetProperty("outcome").GetString());

        using var none = await fixture.User.PostAsync($"{deliveries}/replay?since=2000-01-01T00:00:00Z", null);
        Assert.Equal("[]", await none.Content.ReadAsStringAsync()); // nothing has failed since
        using var unknown = await fixture.User.PostAsync($"{deliveries}/AAAAAAAAAAAAAAAAAAAAAAAA/replay", null);
        await UapiCalls.AssertErrorAsync(unknown, HttpStatusCode.BadRequest, "delivery_id_invalid");
        using var badSince = await fixture.User.PostAsync($"{deliveries}/replay?since=yesterday", null);
        await UapiCalls.AssertErrorAsync(badSince, HttpStatusCode.BadRequest, "request_invalid");
    }

    [Fact]
    public async Task TheLogIsPurgedAfterTheRetentionPeriod()
    {
        var id = await HookAsync("/kept");
        await Receiver.NextAsync();
        await LogUntilAsync(id, 1);

        fixture.Clock.Advance(TimeSpan.FromDays(6));
        await fixture.RenewTokensAsync();
        Assert.Single(await DispatchCalls.LogAsync(fixture.User, "0003*210", 0, id));
        fixture.Clock.Advance(TimeSpan.FromDays(2));
        await fixture.RenewTokensAsync();

        await DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, id, log => log.Length == 0);
    }

    [Fact]
    public async Task ARefusedConnectionIsANetworkErrorAndIsRetried()
    {
        var closedPort = ServerProcess.FreePort();
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: $"http://127.0.0.1:{closedPort}/nobody");
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-closed", "dial-in", "0003*210"));

        var log = await LogUntilAsync(id, 1);
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        log = await LogUntilAsync(id, 2);

        Assert.All(log, e => Assert.Equal("retrying", e.GetProperty("outcome").GetString()));
        Assert.All(log, e => Assert.StartsWith("Network error", e.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.All(log, e => Assert.False(e.TryGetProperty("httpStatus", out _)));
    }
}
