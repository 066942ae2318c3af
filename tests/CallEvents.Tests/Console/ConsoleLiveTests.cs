using System.Net;
using System.Text.Json;
using CallEvents.Demo;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Console;

/// <summary>The delivery log, live: a test call fired from the console is delivered to a loopback receiver, and the attempt arrives on the page's event stream; a failed delivery is replayed from it.</summary>
public sealed class ConsoleLiveTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly DemoAccounts Ids = DemoTenant.Ids;

    [Fact]
    public async Task ATestCallsDeliveryToALoopbackReceiverArrivesOnTheLiveStream()
    {
        await using var receiver = await Receiver.StartAsync();
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*210", type: 0, url: new Uri(receiver.BaseAddress, "/live").ToString());
        using var ana = await fixture.SignedInAsync(Ids.User);

        var (page, _) = await ana.GetAsync($"/console/extensions/0003*210/events/0/{id}/deliveries");
        Assert.Equal(HttpStatusCode.OK, page);
        Assert.Contains("src=\"/assets/console-live.js\"", ana.Html, StringComparison.Ordinal);
        Assert.Contains("No deliveries yet.", ana.Html, StringComparison.Ordinal);
        using var script = await ana.Http.GetAsync("/assets/console-live.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("EventSource", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = await ana.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/console/extensions/0003*210/events/0/{id}/deliveries/live?after=0"),
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));

        await ana.GetAsync("/console/extensions/0003*210");
        var (called, _) = await ana.PostAsync("/console/extensions/0003*210/test-call", new() { ["outcome"] = "NOANSWER" });
        Assert.Equal(HttpStatusCode.OK, called);
        Assert.Contains("Test call placed: 1 delivery queued.", ana.Html, StringComparison.Ordinal);

        var delivered = await receiver.NextAsync(30);
        Assert.Equal("0003*210", delivered.Parameter("CalledExtension").Replace("%2A", "*", StringComparison.Ordinal));
        string? data = null;
        string? eventName = null;
        while (data is null && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "attempt")
            {
                data = line["data: ".Length..];
            }
        }
        Assert.NotNull(data);
        using var attempt = JsonDocument.Parse(data);
        Assert.Equal("succeeded", attempt.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("dial-in", attempt.RootElement.GetProperty("event").GetString());
        Assert.Equal("200", attempt.RootElement.GetProperty("httpStatus").GetString());
        Assert.StartsWith("console-", attempt.RootElement.GetProperty("callId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedDeliveryIsReplayedFromTheLogWithTheSameWebhookId()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = (_, context) => { context.Response.StatusCode = 410; return Task.CompletedTask; }; // gone: fails at once, no retries
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*211", type: 2, url: new Uri(receiver.BaseAddress, "/fails").ToString());
        using var ana = await fixture.SignedInAsync(Ids.User);
        await ana.GetAsync("/console/extensions/0003*211");
        await ana.PostAsync("/console/extensions/0003*211/test-call", new() { ["outcome"] = "BUSY" });
        var first = await receiver.NextAsync(30);

        string? replay = null;
        for (var i = 0; i < 100 && replay is null; i++)
        {
            await ana.GetAsync($"/console/extensions/0003*211/events/2/{id}/deliveries");
            replay = System.Text.RegularExpressions.Regex.Match(ana.Html, "action=\"([^\"]+/replay)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
            if (replay is null)
            {
                await Task.Delay(100);
            }
        }
        Assert.NotNull(replay);
        Assert.Contains(">failed</span>", ana.Html, StringComparison.Ordinal);
        receiver.Respond = (_, context) => { context.Response.StatusCode = 200; return Task.CompletedTask; };

        var (replayed, _) = await ana.PostAsync(replay);
        Assert.Equal(HttpStatusCode.OK, replayed);
        Assert.Contains("The delivery was queued again.", ana.Html, StringComparison.Ordinal);
        var again = await receiver.NextAsync(30);
        Assert.Equal(first.Header("webhook-id"), again.Header("webhook-id"));
    }
}
