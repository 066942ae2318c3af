using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// A node over a PostgreSQL server that goes away and comes back (a server of the test's own,
/// stopped with <c>pg_ctl -m fast</c>, which also ends every session mid-request): while it is
/// down requests get 503 <c>service_unavailable</c> with Retry-After (or a bare 500), never
/// internals; afterwards the same node serves again, and every acknowledged write is there.
/// </summary>
public sealed class DatabaseFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const string Extension = "0003*210";

    [PostgresClusterFact]
    public async Task ANodeAnswers503WhileItsDatabaseIsDownAndServesAgainWithoutARestart()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var setup = await FaultSetup.StartAsync(cluster);
        var before = await CreateAsync(setup.Client, "@me", Extension, note: "acknowledged before the outage");

        await cluster.StopServerAsync();
        using (var listed = await setup.Client.GetAsync(Events("@me", Extension)))
        {
            await AssertUnavailableAsync(listed);
        }
        using (var created = await setup.Client.PostAsync(Events("@me", Extension), Json(new { type = "0", method = "1", url = "https://crm.example.com/x" })))
        {
            await AssertUnavailableAsync(created);
        }
        using (var token = await TwoNodesFixture.RequestTokenAsync(setup.Node, setup.ClientId, setup.Secret))
        {
            await AssertUnavailableAsync(token);
        }

        await cluster.StartServerAsync();
        await WaitUntilServingAsync(setup);
        Assert.False(setup.Node.HasExited);
        using var after = await setup.Client.GetAsync(Events("@me", Extension) + "?count=5000");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains(before, await IdsAsync(after));
        await CreateAsync(setup.Client, "@me", Extension, note: "after the outage");
    }

    [PostgresClusterFact]
    public async Task WritesRacingADatabaseRestartAreEitherAcknowledgedAndKeptOrRefusedWith503()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using var setup = await FaultSetup.StartAsync(cluster);
        var acknowledged = new ConcurrentBag<string>();
        var refused = new ConcurrentBag<(HttpStatusCode Status, string Body, bool RetryAfter)>();
        using var done = new CancellationTokenSource(Deadline);

        var writers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                using var response = await setup.Client.PostAsync(Events("@me", Extension),
                    Json(new { type = "1", method = "1", url = "https://crm.example.com/hooks/race" }));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(body);
                    acknowledged.Add(json.RootElement[0].GetProperty("id").GetString()!);
                }
                else
                {
                    refused.Add((response.StatusCode, body, response.Headers.RetryAfter is not null));
                }
                await Task.Delay(20);
            }
        })).ToList();

        await WaitForAsync(() => acknowledged.Count >= 5, "writes before the outage");
        await cluster.StopServerAsync();
        await WaitForAsync(() => refused.Count >= 3, "writes refused during the outage");
        var acknowledgedBeforeRestart = acknowledged.Count;
        await cluster.StartServerAsync();
        await WaitForAsync(() => acknowledged.Count >= acknowledgedBeforeRestart + 5, "writes after the outage");
        await done.CancelAsync();
        await Task.WhenAll(writers);

        foreach (var (status, body, retryAfter) in refused)
        {
            Assert.True(status == HttpStatusCode.ServiceUnavailable && retryAfter && body.Contains("\"code\":\"service_unavailable\"", StringComparison.Ordinal)
                || status == HttpStatusCode.InternalServerError && body.Contains("\"code\":\"internal_server_error\"", StringComparison.Ordinal),
                $"a write during the outage answered {(int)status} {body}");
            AssertNoInternals(body);
        }
        using var listed = await setup.Client.GetAsync(Events("@me", Extension) + "?count=5000");
        var kept = (await IdsAsync(listed)).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, kept));
    }

    [PostgresClusterFact]
    public async Task ANodeStartedWhileItsDatabaseIsUnreachableAnswers503ThenServesOnceTheDatabaseIsUp()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.StopServerAsync();
        var root = Path.Combine(Path.GetTempPath(), "callevents-tests", "faults-" + Guid.NewGuid().ToString("N"));
        string[] settings = ["--Database:Provider=Postgres", $"--Database:ConnectionString={cluster.ConnectionString}", $"--Secrets:KeyFile={Path.Combine(root, "secrets.key")}"];
        await using var node = await NodeProcess.ServeAsync("S", Path.Combine(root, "node"), settings, migrate: true,
            port: NodeProcess.FreePort(), waitUntilServing: false);

        await WaitForAsync(async () =>
        {
            try
            {
                using var health = await node.Http.GetAsync("/health");
                return true;
            }
            catch (HttpRequestException)
            {
                return false; // not listening yet
            }
        }, "the node listening");
        using (var health = await node.Http.GetAsync("/health"))
        {
            await AssertUnavailableAsync(health);
        }
        using (var token = await TwoNodesFixture.RequestTokenAsync(node, "app_nobody", "nothing"))
        {
            await AssertUnavailableAsync(token);
        }

        await cluster.StartServerAsync();
        await node.WaitUntilServingAsync();
        await NodeProcess.CliJsonAsync(Path.Combine(root, "cli"), settings, "demo"); // serve never seeds PostgreSQL
        var (clientId, secret) = await NodeProcess.AddAppAsync(Path.Combine(root, "cli"), settings, "user-0003-ana");
        using var client = TwoNodesFixture.ClientWith(node, await TwoNodesFixture.TokenAsync(node, clientId, secret));
        var id = await CreateAsync(client, "@me", Extension);
        using var listed = await client.GetAsync(Events("@me", Extension));
        Assert.Contains(id, await IdsAsync(listed));
    }

    [PostgresClusterFact]
    public async Task ANodeWhoseDatabaseStaysUnreachableGivesUpWithAClearMessage()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.StopServerAsync();
        var root = Path.Combine(Path.GetTempPath(), "callevents-tests", "faults-" + Guid.NewGuid().ToString("N"));
        await using var node = await NodeProcess.ServeAsync("G", Path.Combine(root, "node"),
            ["--Database:Provider=Postgres", $"--Database:ConnectionString={cluster.ConnectionString}", "--Database:StartupWaitSeconds=2"],
            migrate: true, port: NodeProcess.FreePort(), waitUntilServing: false);

        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.Contains("The database could not be reached within 2 s", node.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", node.Output, StringComparison.Ordinal);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503 while the database is down, got {(int)response.StatusCode} {body}");
        await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.NotNull(response.Headers.RetryAfter);
        AssertNoInternals(body);
    }

    private static void AssertNoInternals(string body)
    {
        foreach (var leak in new[] { "Npgsql", "Exception", "127.0.0.1", "postgres", "   at " })
        {
            Assert.DoesNotContain(leak, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Lists until the node answers 200 again (bounded): the node itself is never restarted.</summary>
    private static Task WaitUntilServingAsync(FaultSetup setup) => WaitForAsync(async () =>
    {
        using var response = await setup.Client.GetAsync(Events("@me", Extension));
        return response.StatusCode == HttpStatusCode.OK;
    }, "the node serving again after the database restart");

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>A node (child process) over the cluster, an app and a token for it.</summary>
    private sealed class FaultSetup : IAsyncDisposable
    {
        private string _root = "";

        public NodeProcess Node { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;
        public string ClientId { get; private set; } = "";
        public string Secret { get; private set; } = "";

        public static async Task<FaultSetup> StartAsync(PostgresCluster cluster)
        {
            var setup = new FaultSetup { _root = Path.Combine(Path.GetTempPath(), "callevents-tests", "faults-" + Guid.NewGuid().ToString("N")) };
            string[] settings = ["--Database:Provider=Postgres", $"--Database:ConnectionString={cluster.ConnectionString}",
                $"--Secrets:KeyFile={Path.Combine(setup._root, "secrets.key")}"]; // the node's and the CLI's
            try
            {
                setup.Node = await NodeProcess.ServeAsync("F", Path.Combine(setup._root, "node"), [.. settings, "--PhoneCallEvents:MaxPerExtension=5000"], migrate: true);
                await NodeProcess.CliJsonAsync(Path.Combine(setup._root, "cli"), settings, "demo"); // serve never seeds PostgreSQL
                (setup.ClientId, setup.Secret) = await NodeProcess.AddAppAsync(Path.Combine(setup._root, "cli"), settings, "user-0003-ana");
                setup.Client = TwoNodesFixture.ClientWith(setup.Node, await TwoNodesFixture.TokenAsync(setup.Node, setup.ClientId, setup.Secret));
                return setup;
            }
            catch
            {
                // A half-made setup is never returned to be disposed: its node would outlive the test.
                await setup.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client?.Dispose();
            if (Node is not null)
            {
                await Node.DisposeAsync();
            }
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // the OS cleans the temp directory
            }
        }
    }
}
