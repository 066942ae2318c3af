using System.Collections.Concurrent;
using System.Diagnostics;
using CallEvents.Tests.Infrastructure;
using Xunit.Abstractions;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// A 202 means the deliveries are durable: the server process is SIGKILLed right after one,
/// restarted on the same data, and every delivery still arrives. A delivery arrives twice only
/// if it was already in flight at the kill, and then with the same webhook-id.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "callevents-tests", "crash-" + Guid.NewGuid().ToString("N"));
    private Receiver _receiver = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _receiver = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task EveryDeliveryAcknowledgedBeforeAKillArrivesAfterTheRestartAndOnlyInFlightOnesTwice()
    {
        var clock = Stopwatch.StartNew();
        var timings = new List<string>();
        var demo = await ServerProcess.DemoAsync(_data);
        timings.Add($"demo {clock.ElapsedMilliseconds} ms");
        var apps = demo.GetProperty("apps");
        string[] settings = ["--Delivery:AllowedNetworks:0=127.0.0.0/8", "--Delivery:MaxConcurrency=4"];
        var port = ServerProcess.FreePort();
        var arrivals = new ConcurrentQueue<(string WebhookId, string CallId, string Path, bool BeforeKill)>();
        var killed = false;
        _receiver.Respond = async (request, context) =>
        {
            arrivals.Enqueue((request.Header("webhook-id"), request.Parameter("CallID"), request.RawTarget, !Volatile.Read(ref killed)));
            // Before the kill, answers are slow, so that some deliveries are in flight when it comes.
            await Task.Delay(Volatile.Read(ref killed) ? 10 : 2000);
            context.Response.StatusCode = 200;
        };

        const int calls = 20;
        using (var server = await ServerProcess.StartAsync(_data, port, settings))
        {
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            using var user = await ClientAsync(http, apps.GetProperty("user"));
            using var admin = await ClientAsync(http, apps.GetProperty("admin"));
            await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _receiver.Url("/a"));
            await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 0, url: _receiver.Url("/b"));

            await DispatchCalls.ReportAsync(admin, Enumerable.Range(0, calls / 2).Select(i => DispatchCalls.Event($"call-{i}", "dial-in", "0003*210")).ToArray());
            for (var i = 0; i < 200 && arrivals.Count < 2; i++)
            {
                await Task.Delay(25);
            }
            await DispatchCalls.ReportAsync(admin, Enumerable.Range(calls / 2, calls / 2).Select(i => DispatchCalls.Event($"call-{i}", "dial-in", "0003*210")).ToArray());
            server.Kill();
            Volatile.Write(ref killed, true);
            timings.Add($"killed {clock.ElapsedMilliseconds} ms");
        }

        using (var restarted = await ServerProcess.StartAsync(_data, port, settings))
        {
            timings.Add($"restarted {clock.ElapsedMilliseconds} ms");
            for (var i = 0; i < 600 && arrivals.Select(a => a.WebhookId).Distinct().Count() < 2 * calls; i++)
            {
                await Task.Delay(50);
            }
            timings.Add($"all arrived {clock.ElapsedMilliseconds} ms");
        }

        var all = arrivals.ToList();
        output.WriteLine($"{all.Count(a => a.BeforeKill)} requests arrived before the kill, {all.Count(a => !a.BeforeKill)} after; "
            + $"{all.GroupBy(a => a.WebhookId).Count(g => g.Count() > 1)} twice; timings: {string.Join(", ", timings)}");
        var expected = Enumerable.Range(0, calls).SelectMany(i => new[] { ($"call-{i}", "/a"), ($"call-{i}", "/b") }).ToHashSet();
        Assert.Equal(expected, all.Select(a => (a.CallId, a.Path.Split('?')[0])).ToHashSet());
        Assert.Equal(2 * calls, all.Select(a => a.WebhookId).Distinct().Count());
        foreach (var twice in all.GroupBy(a => a.WebhookId).Where(g => g.Count() > 1))
        {
            Assert.Equal(2, twice.Count());
            Assert.True(twice.First().BeforeKill, $"{twice.Key} arrived twice without being in flight at the kill");
            Assert.Single(twice.Select(a => (a.CallId, a.Path)).Distinct());
        }
    }

    private static async Task<HttpClient> ClientAsync(HttpClient http, System.Text.Json.JsonElement app)
    {
        using var response = await http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.GetProperty("clientId").GetString()!,
            ["client_secret"] = app.GetProperty("clientSecret").GetString()!,
        }));
        var token = (await UapiCalls.ReadJsonAsync(response)).GetProperty("access_token").GetString()!;
        var client = new HttpClient { BaseAddress = http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
