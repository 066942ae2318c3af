using System.Net;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Operations;

/// <summary>
/// /metrics after real traffic: a token issued and one refused, a create, an intake whose
/// delivery reaches a loopback receiver; the scrape must parse as Prometheus parses it and show
/// ASP.NET Core's HTTP metrics beside CallEvents' own. The node is a process of its own
/// (<see cref="ServedNodeFixture"/>); the tests of this class share it, so counts are asserted
/// as at least what each test did.
/// </summary>
public sealed class MetricsEndpointTests(ServedNodeFixture fixture) : IClassFixture<ServedNodeFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        fixture.Receiver.Respond = (_, context) => { context.Response.StatusCode = 200; return Task.CompletedTask; };
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AfterATokenACreateAndADeliveryTheScrapeParsesAndCountsThem()
    {
        using (var refused = await fixture.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = fixture.UserClientId,
            ["client_secret"] = "not-the-secret",
        })))
        {
            Assert.Contains("invalid_client", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/metrics-test"));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-metrics", "dial-in", "0003*210"));
        await fixture.Receiver.NextAsync();
        await DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, id, entries => entries.Any(e => e.GetProperty("outcome").GetString() == "succeeded"));

        var families = await Scrapes.ScrapeAsync(fixture.Http);

        var http = families.Family("http_server_request_duration_seconds", "histogram");
        Assert.True(http.Count(("http_route", "/pbx/callEvents"), ("http_request_method", "POST"), ("http_response_status_code", "202")) >= 1);
        Assert.True(http.Count(("http_route", "/oauth/token.php"), ("http_response_status_code", "200")) >= 1);
        Assert.True(families.Family("callevents_tokens_issued_total", "counter").Sum() >= 2);
        Assert.True(families.Family("callevents_tokens_refused_total", "counter").Sum(("error_type", "invalid_client")) >= 1);
        Assert.True(families.Family("callevents_intake_reports_total", "counter").Sum() >= 1);
        Assert.True(families.Family("callevents_intake_events_total", "counter").Sum(("callevents_event_kind", "dial-in")) >= 1);
        Assert.True(families.Family("callevents_deliveries_queued_total", "counter").Sum() >= 1);
        Assert.True(families.Family("callevents_deliveries_attempted_total", "counter").Sum(("callevents_delivery_outcome", "succeeded")) >= 1);
        var latency = families.Family("callevents_delivery_duration_seconds", "histogram");
        Assert.True(latency.Count(("callevents_delivery_outcome", "succeeded")) >= 1);
        Assert.InRange(latency.Samples.Single(s => s.Name == latency.Name + "_sum" && s.Has(("callevents_delivery_outcome", "succeeded"))).Value, 0, 3600);
        Assert.InRange(families.Family("callevents_deliveries_pending", "gauge").Sum(), 0, 1_000_000);
        Assert.InRange(families.Family("callevents_deliveries_pending_oldest_age_seconds", "gauge").Sum(), 0, 3600);
        Assert.Equal(32, families.Family("callevents_sender_slots_limit", "gauge").Sum());
        Assert.InRange(families.Family("callevents_sender_slots_in_use", "gauge").Sum(), 0, 32);
        Assert.True(families.Family("dotnet_gc_collections_total", "counter").Samples.Count > 0);
        Assert.Equal("callevents", families.Family("target_info", "gauge").Samples.Single().Labels["service_name"]);
    }

    [Fact]
    public async Task ADeliveryWaitingForItsRetryIsPendingAndItsAttemptCountedAsRetrying()
    {
        fixture.Receiver.Respond = (_, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*211", type: 0, method: 1, url: fixture.Receiver.Url("/metrics-retry"));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-metrics-retry", "dial-in", "0003*211"));
        await DispatchCalls.LogUntilAsync(fixture.User, "0003*211", 0, id, entries => entries.Any(e => e.GetProperty("outcome").GetString() == "retrying"));

        // The queue gauges are read at most every two seconds: scrape until the read is newer than the attempt (bounded).
        IReadOnlyDictionary<string, PrometheusFamily> families = await Scrapes.ScrapeAsync(fixture.Http);
        for (var i = 0; i < 20 && families.Family("callevents_deliveries_pending", "gauge").Sum() < 1; i++)
        {
            await Task.Delay(250);
            families = await Scrapes.ScrapeAsync(fixture.Http);
        }

        Assert.True(families.Family("callevents_deliveries_pending", "gauge").Sum() >= 1);
        Assert.True(families.Family("callevents_deliveries_attempted_total", "counter").Sum(("callevents_delivery_outcome", "retrying")) >= 1);
        Assert.True(families.Family("callevents_delivery_duration_seconds", "histogram").Count(("callevents_delivery_outcome", "retrying")) >= 1);
    }

    [Fact]
    public async Task ACallerOutsideMetricsAllowedNetworksGetsWhatAnUnknownPathGets()
    {
        await using var host = await CallEventsHost.StartAsync(["Metrics:AllowedNetworks:0=192.0.2.0/24"]);

        using var metrics = await host.Http.GetAsync("/metrics");
        using var unknown = await host.Http.GetAsync("/no-such-path");

        Assert.Equal(unknown.StatusCode, metrics.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithMetricsDisabledThereIsNoMetricsEndpoint()
    {
        await using var host = await CallEventsHost.StartAsync(["Metrics:Enabled=false"]);

        using var metrics = await host.Http.GetAsync("/metrics");

        Assert.NotEqual(HttpStatusCode.OK, metrics.StatusCode);
        Assert.DoesNotContain("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAllowedNetworkThatIsNotACidrStopsTheServerAtStart()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => CallEventsHost.StartAsync(["Metrics:AllowedNetworks:0=not-a-network"]));

        Assert.Contains("Metrics:AllowedNetworks", failure.Message, StringComparison.Ordinal);
    }
}
