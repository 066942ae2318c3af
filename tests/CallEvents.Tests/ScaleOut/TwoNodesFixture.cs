using System.Net.Http.Headers;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// Two real nodes (two <c>callevents serve</c> processes) on one fresh PostgreSQL database:
/// node A starts first with <c>--migrate</c>, then <c>callevents demo</c> creates the demo tenant, node B after it
/// without. Nothing is started when no PostgreSQL is configured: the tests are skipped then.
/// A test may also make one itself, with settings of its own per node (e.g. a NodeId each).
/// </summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "callevents-tests", "nodes-" + Guid.NewGuid().ToString("N"));
    private readonly Func<string, IEnumerable<string>> _nodeSettings;
    private string? _database;

    public TwoNodesFixture()
        : this(_ => [])
    {
    }

    /// <summary>Not public: xunit wants one public constructor on a class fixture.</summary>
    internal TwoNodesFixture(Func<string, IEnumerable<string>> nodeSettings) => _nodeSettings = nodeSettings;

    public NodeProcess A { get; private set; } = null!;
    public NodeProcess B { get; private set; } = null!;
    public string[] DatabaseSettings { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (TestDatabase.PostgresServer is null)
        {
            return;
        }
        _database = TestDatabase.NameFor(_root);
        var connectionString = TestDatabase.CreateDatabase(_database);
        // One deployment: one database, and the one secrets key every node and the CLI must share.
        DatabaseSettings = ["--Database:Provider=Postgres", $"--Database:ConnectionString={connectionString}", $"--Secrets:KeyFile={Path.Combine(_root, "secrets.key")}"];
        A = await NodeProcess.ServeAsync("A", Path.Combine(_root, "a"), [.. DatabaseSettings, .. _nodeSettings("A")], migrate: true);
        // serve never seeds PostgreSQL (the demo's trusted Admin app is not for production): the operator does, once.
        await CliJsonAsync("demo");
        B = await NodeProcess.ServeAsync("B", Path.Combine(_root, "b"), [.. DatabaseSettings, .. _nodeSettings("B")], migrate: false);
    }

    /// <summary>Runs a CLI command against the nodes' database; fails the test unless it succeeds.</summary>
    public Task<JsonElement> CliJsonAsync(params string[] args) => NodeProcess.CliJsonAsync(Path.Combine(_root, "cli"), DatabaseSettings, args);

    /// <summary>A new trusted app on <paramref name="account"/>, registered by the CLI: (client id, secret).</summary>
    public Task<(string ClientId, string Secret)> AddAppAsync(string account) => NodeProcess.AddAppAsync(Path.Combine(_root, "cli"), DatabaseSettings, account);

    public static async Task<HttpResponseMessage> RequestTokenAsync(NodeProcess node, string clientId, string secret) =>
        await node.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

    public static async Task<string> TokenAsync(NodeProcess node, string clientId, string secret)
    {
        using var response = await RequestTokenAsync(node, clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request to node {node.Name} failed: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public static HttpClient ClientWith(NodeProcess node, string token)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }
        if (B is not null)
        {
            await B.DisposeAsync();
        }
        if (_database is not null)
        {
            await TestDatabase.DropDatabaseAsync(_database);
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
