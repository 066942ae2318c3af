using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;
using Xunit.Abstractions;

namespace CallEvents.Tests.Crash;

/// <summary>
/// A 202 from the intake means its deliveries are durable. The server process is SIGKILLed at a
/// random point while it drains 300 of them to a receiver that acknowledges each (2xx), while
/// more reports are still coming in; restarted on the same database, it drains the rest. Every
/// delivery stored in the queue (read from the database, not inferred) reaches the receiver at
/// least once with its own webhook-id and content, every acknowledged report's deliveries are
/// among them, a report cut off by the kill is queued whole or not at all, and only deliveries
/// that had been sent before the kill arrive twice.
/// Dispatch/CrashSafetyTests kills once right after an intake, with a receiver slowed to 2 s per
/// answer; here the receiver answers at once, the kill comes mid-drain and mid-intake, and the
/// test runs on PostgreSQL too.
/// </summary>
public sealed class KilledDeliveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Extension = "0003*210";
    private const int Hooks = 3;
    private const int CallsPerReport = 25;
    private const int AcknowledgedReports = 4; // 4 × 25 calls × 3 hooks: 300 deliveries before the kill is armed
    private const int CallsPerLaterReport = 5; // then small reports back to back, so that the kill likely cuts one
    private const int MaxLaterReports = 20;

    /// <summary>Loopback allowed (the receiver is there); all hooks share its host:port, so its limit is raised to the node's.</summary>
    private static readonly string[] Settings = [.. DispatchCalls.AllowLoopback.Select(s => "--" + s), "--Delivery:MaxConcurrencyPerDestination=32"];

    private Receiver _receiver = null!;

    private sealed record Arrival(string WebhookId, string CallId, string Path, bool BeforeKill);

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task NoAcknowledgedDeliveryIsLostWhenTheServerIsKilledWhileDelivering()
    {
        await using var database = CrashDatabase.Sqlite();
        await RunAsync(database);
    }

    [PostgresFact]
    public async Task NoAcknowledgedDeliveryIsLostWhenTheServerIsKilledWhileDeliveringOnPostgres()
    {
        await using var database = CrashDatabase.Postgres();
        await RunAsync(database);
    }

    private async Task RunAsync(CrashDatabase database)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new List<string>();
        var apps = await database.CreateDemoAsync();
        timings.Add($"demo tenant {clock.Elapsed.TotalSeconds:F1} s");
        var arrivals = new ConcurrentQueue<Arrival>();
        var killed = 0;
        _receiver.Respond = async (request, context) =>
        {
            var beforeKill = Volatile.Read(ref killed) == 0;
            arrivals.Enqueue(new Arrival(request.Header("webhook-id"), request.Parameter("CallID"), request.RawTarget.Split('?')[0], beforeKill));
            // A moment per answer, so that some deliveries are always in flight.
            await Task.Delay(beforeKill ? Random.Shared.Next(5, 25) : 0);
            context.Response.StatusCode = 200;
        };

        var acknowledged = new ConcurrentDictionary<string, bool>(); // call ids of reports answered 202
        var unanswered = new ConcurrentBag<string[]>();              // reports the kill cut off (or refused)
        var hookPaths = new Dictionary<string, string>();
        int queuedBeforeKill, arrivedAtKill;
        await using (var server = await database.ServeAsync(Settings))
        {
            using var user = await ClientAsync(server, apps.GetProperty("user"));
            using var admin = await ClientAsync(server, apps.GetProperty("admin"));
            for (var i = 0; i < Hooks; i++)
            {
                var path = $"/hook{i}";
                hookPaths[await UapiCalls.CreateAsync(user, "@me", Extension, type: 0, method: i % 2, url: _receiver.Url(path))] = path;
            }

            var queued = 0;
            var reported = 0;
            string[] Calls(int count) => [.. Enumerable.Range(Interlocked.Add(ref reported, count) - count, count).Select(i => $"call-{i}")];
            for (var r = 0; r < AcknowledgedReports; r++)
            {
                var calls = Calls(CallsPerReport);
                queued += await ReportAsync(admin, calls) ?? throw new Xunit.Sdk.XunitException($"report {r} was not accepted");
                Array.ForEach(calls, c => acknowledged[c] = true);
            }
            queuedBeforeKill = queued;

            // More reports while the sender drains, until the kill cuts one off.
            var reportStarts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var later = Task.Run(async () =>
            {
                for (var r = 0; r < MaxLaterReports; r++)
                {
                    var calls = Calls(CallsPerLaterReport);
                    Volatile.Read(ref reportStarts).TrySetResult();
                    if (await ReportAsync(admin, calls) is null)
                    {
                        unanswered.Add(calls);
                        return;
                    }
                    Array.ForEach(calls, c => acknowledged[c] = true);
                }
            });
            var killAt = Random.Shared.Next(queued / 10, queued / 2);
            for (var i = 0; i < 1200 && arrivals.Count < killAt; i++)
            {
                await Task.Delay(25);
            }
            Assert.True(arrivals.Count >= killAt, $"only {arrivals.Count} deliveries arrived within 30 s (the kill was to come at {killAt})");
            // The kill comes just after the next report has started, unless they are all done.
            var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref reportStarts, next);
            await Task.WhenAny(next.Task, later);
            await Task.Delay(Random.Shared.Next(0, 20));
            await server.KillAsync();
            Volatile.Write(ref killed, 1);
            timings.Add($"killed {clock.Elapsed.TotalSeconds:F1} s");
            arrivedAtKill = arrivals.Select(a => a.WebhookId).Distinct().Count();
            await later;
        }

        await using (var restarted = await database.ServeAsync(Settings))
        {
            timings.Add($"restarted {clock.Elapsed.TotalSeconds:F1} s");
            await WaitUntilDrainedAsync(database, arrivals);
            timings.Add($"drained {clock.Elapsed.TotalSeconds:F1} s");
        }

        var rows = (await database.RowsAsync("SELECT id, event_id, call_id, state FROM deliveries"))
            .Select(r => (WebhookId: "msg_" + r[0], EventId: r[1], CallId: r[2], State: int.Parse(r[3], CultureInfo.InvariantCulture))).ToList();
        var received = arrivals.ToList();
        var cutOff = unanswered.SelectMany(calls => calls).ToHashSet();
        output.WriteLine($"{queuedBeforeKill} deliveries acknowledged before the kill was armed, {rows.Count} in the queue in the end; "
            + $"{arrivedAtKill} had arrived at the kill; {received.Count(a => a.BeforeKill)} requests before it, {received.Count(a => !a.BeforeKill)} after; "
            + $"{received.GroupBy(a => a.WebhookId).Count(g => g.Count() > 1)} twice; "
            + $"reports cut off by the kill: {unanswered.Count} ({rows.Count(r => cutOff.Contains(r.CallId))} of their deliveries queued); "
            + string.Join(", ", timings));

        // Every acknowledged call is in the queue, once per hook; a cut-off report whole or not at all; nothing else.
        foreach (var call in acknowledged.Keys)
        {
            Assert.Equal(hookPaths.Keys.Order(), rows.Where(r => r.CallId == call).Select(r => r.EventId).Order());
        }
        foreach (var calls in unanswered)
        {
            Assert.Contains(rows.Count(r => calls.Contains(r.CallId)), new[] { 0, calls.Length * Hooks });
        }
        Assert.All(rows, r => Assert.True(acknowledged.ContainsKey(r.CallId) || cutOff.Contains(r.CallId), $"{r.CallId} was never reported"));
        Assert.True(arrivedAtKill < rows.Count, $"all {rows.Count} deliveries had arrived before the kill: it came too late to test anything");

        // Every queued delivery was delivered, and arrived with its own id, call and hook.
        Assert.All(rows, r => Assert.Equal(1, r.State));
        var byId = rows.ToDictionary(r => r.WebhookId);
        Assert.Empty(rows.Select(r => r.WebhookId).Except(received.Select(a => a.WebhookId)));
        foreach (var arrival in received)
        {
            Assert.True(byId.TryGetValue(arrival.WebhookId, out var row), $"{arrival.WebhookId} is no queued delivery");
            Assert.Equal((row.CallId, hookPaths[row.EventId]), (arrival.CallId, arrival.Path));
        }
        // At least once, and twice only for what had been sent when the kill came.
        foreach (var twice in received.GroupBy(a => a.WebhookId).Where(g => g.Count() > 1))
        {
            Assert.True(twice.First().BeforeKill, $"{twice.Key} arrived {twice.Count()} times without having been sent before the kill");
        }
    }

    /// <summary>One intake; the deliveries it queued, or null when it got no answer (the server was killed).</summary>
    private static async Task<int?> ReportAsync(HttpClient admin, string[] calls)
    {
        try
        {
            using var response = await admin.PostAsync("/pbx/callEvents",
                UapiCalls.Json(calls.Select(c => DispatchCalls.Event(c, "dial-in", Extension)).ToArray()));
            var body = await UapiCalls.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"intake answered {(int)response.StatusCode} {body}");
            return body.GetProperty("deliveries").GetInt32();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Until no delivery is pending in the database and every stored one has arrived (bounded: 2 minutes).</summary>
    private static async Task WaitUntilDrainedAsync(CrashDatabase database, ConcurrentQueue<Arrival> arrivals)
    {
        const string Pending = "SELECT count(*) FROM deliveries WHERE state = 0";
        for (var i = 0; i < 600; i++)
        {
            if (await database.ScalarAsync(Pending) == 0)
            {
                var ids = (await database.RowsAsync("SELECT id FROM deliveries")).Select(r => "msg_" + r[0]);
                if (!ids.Except(arrivals.Select(a => a.WebhookId)).Any())
                {
                    return;
                }
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"the queue did not drain within 2 minutes: {await database.ScalarAsync(Pending)} deliveries pending");
    }

    private static async Task<HttpClient> ClientAsync(NodeProcess server, System.Text.Json.JsonElement app) =>
        TwoNodesFixture.ClientWith(server, await TwoNodesFixture.TokenAsync(server, app.GetProperty("clientId").GetString()!, app.GetProperty("clientSecret").GetString()!));
}
