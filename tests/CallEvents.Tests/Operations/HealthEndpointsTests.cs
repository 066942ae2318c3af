using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CallEvents.Dispatch.Sending;
using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.Operations;

/// <summary>/healthz (alive), /readyz (database and sender), and the older /health, as probes see them: anonymous, plain text or a small JSON.</summary>
public sealed class HealthEndpointsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task HealthzAnswersHealthyAsPlainTextWithoutATokenAndIsNotCached()
    {
        using var response = await Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoStore, "a probe's answer must not be cached");
    }

    [Fact]
    public async Task ReadyzAnswersHealthyWhenTheDatabaseIsCurrentAndTheSenderRuns()
    {
        using var response = await Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadyzInJsonGivesEachCheckItsStatusAndNothingMore()
    {
        var (status, json) = await ReadyJsonAsync(Http);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["checks", "status"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        Assert.Equal(["database", "sender"], json.GetProperty("checks").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(json.GetProperty("checks").EnumerateObject(), check => Assert.Equal("Healthy", check.Value.GetString()));
    }

    [Fact]
    public async Task TheOlderHealthEndpointStillAnswersOk()
    {
        using var response = await Http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WhileTheNodeIsStartingHealthzIsHealthyAndReadyzAndTheApiAre503()
    {
        await using var host = await CallEventsHost.StartAsync();
        var readiness = host.Services.GetRequiredService<DatabaseReadiness>();
        readiness.Hold(); // what `serve` does until its schema gate has passed

        using (var live = await host.Http.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        var (status, json) = await ReadyJsonAsync(host.Http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", json.GetProperty("checks").GetProperty("database").GetString());
        using (var api = await host.Http.GetAsync("/health"))
        {
            await UapiCalls.AssertErrorAsync(api, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        readiness.Open();
        using var ready = await host.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task ReadyzIs503WhenTheSchemaIsNewerThanThisBuildAndReadsTheDatabaseAtMostOncePerSecond()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await CallEventsHost.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        using (var first = await host.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // A newer build's `migrate` ran against this database.
        await SqlAsync(host, """INSERT INTO ef_migrations_history ("MigrationId", "ProductVersion") VALUES ('29991231000000_FromANewerBuild', '10.0.0')""");
        using (var cached = await host.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode); // the answer of a moment ago: no second read within the second
        }
        clock.Advance(TimeSpan.FromSeconds(1.5));
        using (var newer = await host.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, newer.StatusCode);
            Assert.Equal("Unhealthy", await newer.Content.ReadAsStringAsync());
        }

        await SqlAsync(host, """DELETE FROM ef_migrations_history WHERE "MigrationId" = '29991231000000_FromANewerBuild'""");
        clock.Advance(TimeSpan.FromSeconds(1.5));
        using var again = await host.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task ReadyzIs503WhenTheSenderHasStopped()
    {
        await using var host = await CallEventsHost.StartAsync();
        await host.Services.GetRequiredService<DeliverySender>().StopAsync(CancellationToken.None);

        var (status, json) = await ReadyJsonAsync(host.Http);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", json.GetProperty("checks").GetProperty("sender").GetString());
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("database").GetString());
    }

    [Fact]
    public async Task OnANodeThatRunsNoSenderReadyzIsHealthy()
    {
        await using var host = await CallEventsHost.StartAsync(["Delivery:SenderEnabled=false"]);

        var (status, json) = await ReadyJsonAsync(host.Http);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", json.GetProperty("checks").GetProperty("sender").GetString());
    }

    private static async Task<(HttpStatusCode, JsonElement)> ReadyJsonAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await UapiCalls.ReadJsonAsync(response));
    }

    private static async Task SqlAsync(CallEventsHost host, string sql)
    {
        using var scope = host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<CallEventsDb>().Database.ExecuteSqlRawAsync(sql);
    }
}
