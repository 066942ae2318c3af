using System.Text;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Operations;

/// <summary>
/// With an OTLP endpoint configured, spans reach it: the intake's and each delivery attempt's,
/// with the ids that correlate them with the delivery log, and without what must not leave: the
/// hook's path and query, the token in a query string. Receivers get no trace headers.
/// The collector is a loopback receiver taking OTLP over http/protobuf; protobuf keeps strings as
/// they are, so the bodies are searched as text. The hook's receiver is a bare socket
/// (<see cref="PlainReceiver"/>).
/// </summary>
public sealed class TracingTests : IAsyncLifetime
{
    private Receiver _collector = null!;
    private PlainReceiver Hooks { get; } = new();
    private CallEventsHost _host = null!;

    public async Task InitializeAsync()
    {
        _collector = await Receiver.StartAsync();
        _host = await CallEventsHost.StartAsync(
        [
            ..DispatchCalls.AllowLoopback,
            $"OpenTelemetry:OtlpEndpoint={_collector.BaseAddress}",
            "OpenTelemetry:OtlpProtocol=http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY=200",
        ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await Hooks.DisposeAsync();
        await _collector.DisposeAsync();
    }

    [Fact]
    public async Task IntakeAndDeliverySpansGoOverOtlpWithTheirIdsAndWithoutTheHooksPathQueryOrTokens()
    {
        var token = await _host.TokenAsync(a => a.User);
        using var user = _host.ClientWith(token);
        using var admin = _host.ClientWith(await _host.TokenAsync(a => a.Admin));
        var id = await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 0, url: Hooks.Url("/hook-path-secret/calls?key=hook-query-secret"));
        using (var listed = await _host.Http.GetAsync(UapiCalls.Events("@me", "0003*210") + "?accessRequestToken=Bearer%20" + token))
        {
            Assert.True(listed.IsSuccessStatusCode);
        }
        await DispatchCalls.ReportAsync(admin, DispatchCalls.Event("call-traced", "dial-in", "0003*210"));
        Assert.True(Hooks.Heads.TryTake(out var delivered, TimeSpan.FromSeconds(20)), "the delivery did not arrive");
        var log = await DispatchCalls.LogUntilAsync(user, "0003*210", 0, id, entries => entries.Length > 0);
        var deliveryId = log[0].GetProperty("id").GetString()!;

        var spans = await ExportedUntilAsync(text => text.Contains(deliveryId, StringComparison.Ordinal) && text.Contains("callevents.intake", StringComparison.Ordinal));

        var headers = delivered.Split("\r\n").Skip(1).Select(h => h.Split(':')[0].ToLowerInvariant()).ToList();
        Assert.Contains("webhook-signature", headers);
        Assert.DoesNotContain(headers, h => h is "traceparent" or "tracestate" or "baggage" or "request-id");
        Assert.All(_collector.All, request => Assert.Equal("/v1/traces", request.RawTarget));
        Assert.Contains("callevents.delivery.attempt", spans, StringComparison.Ordinal);
        Assert.Contains("callevents.event.id", spans, StringComparison.Ordinal);
        Assert.Contains(id, spans, StringComparison.Ordinal);
        Assert.Contains("/pbx/callEvents", spans, StringComparison.Ordinal); // ASP.NET Core's server span
        Assert.DoesNotContain("hook-path-secret", spans, StringComparison.Ordinal);
        Assert.DoesNotContain("hook-query-secret", spans, StringComparison.Ordinal);
        Assert.DoesNotContain(token, spans, StringComparison.Ordinal);
        Assert.DoesNotContain("accessRequestToken", spans, StringComparison.Ordinal);
    }

    /// <summary>Everything exported so far, as text, once <paramref name="done"/> holds (at most 20 s).</summary>
    private async Task<string> ExportedUntilAsync(Func<string, bool> done)
    {
        var text = "";
        for (var i = 0; i < 100; i++)
        {
            text = string.Join("\n", _collector.All.Select(r => Encoding.UTF8.GetString(r.Body)));
            if (done(text))
            {
                return text;
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"the spans did not reach the collector within 20 s ({_collector.All.Count} exports)");
    }
}
