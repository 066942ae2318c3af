using System.Collections.Concurrent;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// The delivery queue shared by two real nodes on one PostgreSQL database: claims with leases
/// (<c>FOR UPDATE SKIP LOCKED</c>) give each delivery to one node, and a node that dies holding
/// one gives it up to the other when its lease expires, with the same webhook-id.
/// </summary>
public sealed class DeliveryAcrossNodesTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "callevents-tests", "delivery-nodes-" + Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> _nodes = [];
    private string? _database;
    private string[] _settings = [];
    private Receiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await Receiver.StartAsync();
        if (TestDatabase.PostgresServer is null)
        {
            return;
        }
        _database = TestDatabase.NameFor(_root);
        _settings =
        [
            "--Database:Provider=Postgres", $"--Database:ConnectionString={TestDatabase.CreateDatabase(_database)}",
            "--Delivery:AllowedNetworks:0=127.0.0.0/8", "--Delivery:RequestTimeout=00:01:00", "--Delivery:LeaseDuration=00:00:08",
        ];
    }

    [PostgresFact]
    public async Task CallsReportedToTwoNodesAreEachDeliveredExactlyOnce()
    {
        var a = await StartNodeAsync("A", migrate: true);
        var b = await StartNodeAsync("B", migrate: false);
        var (user, admins) = await ClientsAsync([a, b]);
        await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _receiver.Url("/hook"));

        const int calls = 30;
        for (var i = 0; i < calls; i++)
        {
            await DispatchCalls.ReportAsync(admins[i % 2], DispatchCalls.Event($"call-{i}", "dial-in", "0003*210"));
        }
        var all = new List<ReceivedRequest>();
        for (var i = 0; i < calls; i++)
        {
            all.Add(await _receiver.NextAsync(60));
        }
        // Every call has arrived once; a double claim by the two nodes would show as a request more, at once.
        Assert.False(await _receiver.AnyMoreAsync(3000), "a call was delivered more than once");

        Assert.Equal(Enumerable.Range(0, calls).Select(i => $"call-{i}").Order(), all.Select(r => r.Parameter("CallID")).Order());
        Assert.Equal(calls, all.Select(r => r.Header("webhook-id")).Distinct().Count());
    }

    [PostgresFact]
    public async Task ADeliveryHeldByAKilledNodeIsCompletedByTheOtherNodeWithTheSameWebhookId()
    {
        var arrivals = new ConcurrentQueue<(string WebhookId, string CallId)>();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = async (request, context) =>
        {
            arrivals.Enqueue((request.Header("webhook-id"), request.Parameter("CallID")));
            if (arrivals.Count == 1)
            {
                await hold.Task.WaitAsync(TimeSpan.FromSeconds(90)); // node A is killed while this attempt is in flight
            }
            context.Response.StatusCode = 200;
        };
        var a = await StartNodeAsync("A", migrate: true);
        var (user, admins) = await ClientsAsync([a]);
        await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: _receiver.Url("/hook"));

        // Only A runs: the attempt in flight is A's, under A's lease.
        await DispatchCalls.ReportAsync(admins[0], DispatchCalls.Event("call-killed", "dial-in", "0003*210"));
        var first = await _receiver.NextAsync(60);
        await a.KillAsync();
        var b = await StartNodeAsync("B", migrate: false);

        var second = await _receiver.NextAsync(60);
        hold.TrySetResult();
        Assert.Equal(first.Header("webhook-id"), second.Header("webhook-id"));
        Assert.Equal("call-killed", second.Parameter("CallID"));
        Assert.False(b.HasExited);
    }

    private async Task<NodeProcess> StartNodeAsync(string name, bool migrate)
    {
        var node = await NodeProcess.ServeAsync(name, Path.Combine(_root, name), [.. _settings, $"--Delivery:NodeId=node-{name}"], migrate);
        _nodes.Add(node);
        return node;
    }

    /// <summary>A user client on the first node, and an Admin (PBX) client on each node.</summary>
    private async Task<(HttpClient User, HttpClient[] Admins)> ClientsAsync(NodeProcess[] nodes)
    {
        var cli = Path.Combine(_root, "cli");
        var (userId, userSecret) = await NodeProcess.AddAppAsync(cli, _settings, "user-0003-ana");
        var (adminId, adminSecret) = await NodeProcess.AddAppAsync(cli, _settings, "admin");
        var user = TwoNodesFixture.ClientWith(nodes[0], await TwoNodesFixture.TokenAsync(nodes[0], userId, userSecret));
        var admins = new HttpClient[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            admins[i] = TwoNodesFixture.ClientWith(nodes[i], await TwoNodesFixture.TokenAsync(nodes[i], adminId, adminSecret));
        }
        return (user, admins);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        await _receiver.DisposeAsync();
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
