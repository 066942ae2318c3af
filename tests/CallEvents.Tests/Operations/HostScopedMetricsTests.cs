using System.Net;
using CallEvents.Observability;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;

namespace CallEvents.Tests.Operations;

/// <summary>
/// Hosts in one process (this suite starts and stops them all the time) each scrape only their
/// own meters: OpenTelemetry picks meters by name, so another host's Kestrel memory pool could
/// come out beside this one's with the same labels, a series twice in one scrape, as it did once
/// in CI (Observability/HostScopedMeters.cs).
/// </summary>
public sealed class HostScopedMetricsTests
{
    [Fact]
    public async Task AScrapeHoldsEachSeriesOnceWhileOtherHostsComeAndGoInTheSameProcess()
    {
        await using var first = await CallEventsHost.StartAsync();
        await ServeAsync(first);
        // One host served and was stopped, another serves: two generations of the same meters.
        await using (var gone = await CallEventsHost.StartAsync())
        {
            await ServeAsync(gone);
        }
        await using var other = await CallEventsHost.StartAsync();
        await ServeAsync(other);

        // PrometheusText rejects a series that appears twice; Kestrel's pool is there once, this host's.
        var families = await Scrapes.ScrapeAsync(first.Http);
        Assert.Single(families.Family("aspnetcore_memory_pool_rented_bytes_total", "counter").Samples);
    }

    private static async Task ServeAsync(CallEventsHost host)
    {
        for (var i = 0; i < 5; i++)
        {
            using var response = await host.Http.GetAsync(ObservabilitySetup.LivePath);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void AHostKeepsTheProcesssMetersAndItsOwnAndDropsAnotherHosts()
    {
        using var mine = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var theirs = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var own = mine.GetRequiredService<IMeterFactory>();
        Assert.True(HostScopedMeters.Keeps(Telemetry.Meter, own));
        Assert.True(HostScopedMeters.Keeps(own.Create("Microsoft.AspNetCore.MemoryPool"), own));
        Assert.False(HostScopedMeters.Keeps(theirs.GetRequiredService<IMeterFactory>().Create("Microsoft.AspNetCore.MemoryPool"), own));
    }
}
