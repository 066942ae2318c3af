using System.Collections.Concurrent;
using System.Diagnostics;
using CallEvents.Dispatch.Intake;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

using static CallEvents.Tests.Infrastructure.UapiCalls;
using Xunit.Abstractions;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// Two real nodes, each running its sender, on one PostgreSQL queue, delivering to a real
/// receiver on 127.0.0.1. Each test starts its own two nodes (one of them kills a node). The
/// receiver tells the nodes' requests apart by the process holding the connection.
/// </summary>
public sealed class DeliveryAcrossNodesTests(ITestOutputHelper output)
{
    private const string User = "user-0003-ana";
    private const string Extension = "0003*210";
    private static readonly string[] Kinds = ["dial-in", "answer-in", "hangup"];

    private sealed record Arrival(ReceivedRequest Request, int? Sender, long At, bool BeforeKill)
    {
        public string WebhookId => Request.Header("webhook-id");
        public string Path => Request.RawTarget.Split('?')[0];
        public string CallId => Request.Parameter("CallID");
    }

    [PostgresOnLinuxFact]
    public async Task TwoNodesSendingFromOneQueueDeliverEveryCallEventExactlyOnceWithAValidSignature()
    {
        var clock = Stopwatch.StartNew();
        var nodes = new TwoNodesFixture(name => NodeSettings(name, lease: TimeSpan.FromSeconds(30), requestTimeout: TimeSpan.FromSeconds(10)));
        await using var receiver = await Receiver.StartAsync();
        try
        {
            await nodes.InitializeAsync();
            var started = clock.ElapsedMilliseconds;
            var arrivals = new ConcurrentQueue<Arrival>();
            receiver.Respond = async (request, context) =>
            {
                arrivals.Enqueue(new Arrival(request, SenderOf(nodes, receiver, context), clock.ElapsedMilliseconds, true));
                await Task.Delay(20); // long enough that deliveries overlap on both nodes
                context.Response.StatusCode = 200;
            };
            var (users, admins, signingSecret) = await ClientsAsync(nodes);
            var hooks = await CreateHooksAsync(users, receiver);
            var ready = clock.ElapsedMilliseconds;

            const int calls = 30;
            await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (call, _) =>
            {
                // One call's events in order, each to the other node than the one before.
                for (var i = 0; i < Kinds.Length; i++)
                {
                    await DispatchCalls.ReportAsync(admins[(call + i) % 2],
                        DispatchCalls.Event($"call-{call}", Kinds[i], Extension, callStatus: Kinds[i] == "hangup" ? "ANSWER" : ""));
                }
            });
            var reported = clock.ElapsedMilliseconds;
            var expected = hooks.Keys.SelectMany(path => Enumerable.Range(0, calls).Select(call => (path, $"call-{call}"))).ToHashSet();
            await Eventually.UntilAsync(() => arrivals.Select(a => a.WebhookId).Distinct().Count() >= expected.Count, TimeSpan.FromSeconds(60),
                () => $"{arrivals.Select(a => a.WebhookId).Distinct().Count()} of {expected.Count} deliveries arrived");
            var delivered = clock.ElapsedMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(3)); // several poll intervals of both nodes: a second claim would show now

            var all = arrivals.ToList();
            output.WriteLine($"nodes up at {started} ms, apps and hooks at {ready} ms, {calls * Kinds.Length} reports at {reported} ms, "
                + $"{all.Count} requests by {delivered} ms (first at {all.Min(a => a.At)} ms); "
                + $"from node A {all.Count(a => a.Sender == nodes.A.ProcessId)}, from node B {all.Count(a => a.Sender == nodes.B.ProcessId)}");
            Assert.Equal(expected.Count, all.Count);
            Assert.Equal(expected.Count, all.Select(a => a.WebhookId).Distinct().Count());
            Assert.Equal(expected, all.Select(a => (a.Path, a.CallId)).ToHashSet());
            Assert.All(all, a => AssertSigned(a.Request, signingSecret));
            Assert.Contains(all, a => a.Sender == nodes.A.ProcessId);
            Assert.Contains(all, a => a.Sender == nodes.B.ProcessId);
            Assert.All(all, a => Assert.True(a.Sender == nodes.A.ProcessId || a.Sender == nodes.B.ProcessId, $"{a.WebhookId} came from neither node"));

            // Each hook's log, read on either node, holds one successful first attempt per delivery: the ones that arrived.
            foreach (var (path, (type, id)) in hooks)
            {
                var onA = await DispatchCalls.LogUntilAsync(users[0], Extension, type, id, entries => entries.Length >= calls);
                var onB = await DispatchCalls.LogAsync(users[1], Extension, type, id);
                Assert.Equal(onA.Select(e => e.ToString()), onB.Select(e => e.ToString()));
                Assert.Equal(calls, onA.Length);
                Assert.All(onA, e => Assert.Equal(("succeeded", "1"), (e.GetProperty("outcome").GetString(), e.GetProperty("attempt").GetString())));
                Assert.Equal(all.Where(a => a.Path == path).Select(a => a.WebhookId).Order(),
                    onA.Select(e => "msg_" + e.GetProperty("id").GetString()).Order());
            }
        }
        finally
        {
            await nodes.DisposeAsync();
        }
    }

    [PostgresOnLinuxFact]
    public async Task WhenTheNodeSendingADeliveryIsKilledTheOtherNodeSendsItAfterTheLeaseWithTheSameWebhookId()
    {
        var lease = TimeSpan.FromSeconds(6);
        var clock = Stopwatch.StartNew();
        var nodes = new TwoNodesFixture(name => NodeSettings(name, lease, requestTimeout: TimeSpan.FromSeconds(4)));
        await using var receiver = await Receiver.StartAsync();
        try
        {
            await nodes.InitializeAsync();
            var arrivals = new ConcurrentQueue<Arrival>();
            var first = new TaskCompletionSource<Arrival>(TaskCreationOptions.RunContinuationsAsynchronously);
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            receiver.Respond = async (request, context) =>
            {
                var arrival = new Arrival(request, SenderOf(nodes, receiver, context), clock.ElapsedMilliseconds, !killed.Task.IsCompleted);
                arrivals.Enqueue(arrival);
                first.TrySetResult(arrival);
                // The node that sent the first request is the one to kill: until then, its requests
                // are held open (in flight on it); the other node's are answered at once.
                if (arrival.Sender == (await first.Task).Sender)
                {
                    await killed.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }
                context.Response.StatusCode = 200;
            };
            var (users, admins, _) = await ClientsAsync(nodes);
            var hooks = await CreateHooksAsync(users, receiver, kinds: ["dial-in"]);

            const int calls = 6;
            for (var call = 0; call < calls; call++)
            {
                await DispatchCalls.ReportAsync(admins[call % 2], DispatchCalls.Event($"call-{call}", "dial-in", Extension));
            }
            var inFlight = await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var (victim, survivor) = inFlight.Sender == nodes.A.ProcessId ? (nodes.A, nodes.B) : (nodes.B, nodes.A);
            Assert.True(inFlight.Sender == victim.ProcessId, $"the first request came from neither node ({inFlight.Sender})");
            await victim.KillAsync(); // SIGKILL: no shutdown, the lease stays
            var killedAt = clock.ElapsedMilliseconds;
            killed.SetResult();

            var expected = hooks.Keys.SelectMany(path => Enumerable.Range(0, calls).Select(call => (path, $"call-{call}"))).ToHashSet();
            bool AllFromSurvivor() => arrivals.Where(a => a.Sender == survivor.ProcessId).Select(a => a.WebhookId).Distinct().Count() >= expected.Count;
            await Eventually.UntilAsync(AllFromSurvivor, lease + TimeSpan.FromSeconds(30),
                () => $"node {survivor.Name} sent {arrivals.Where(a => a.Sender == survivor.ProcessId).Select(a => a.WebhookId).Distinct().Count()} of {expected.Count}");
            await Task.Delay(TimeSpan.FromSeconds(2));

            var all = arrivals.ToList();
            var cut = all.Where(a => a.Sender == victim.ProcessId).ToList();
            output.WriteLine($"killed node {victim.Name} at {killedAt} ms with {cut.Count} request(s) in flight; {all.Count} requests in all; "
                + string.Join("; ", all.Select(a => $"{a.WebhookId} {(a.Sender == victim.ProcessId ? victim.Name : a.Sender == survivor.ProcessId ? survivor.Name : "?")} at {a.At} ms")));
            output.WriteLine($"node {survivor.Name} said:\n{survivor.Output}");
            Assert.Equal(expected, all.Select(a => (a.Path, a.CallId)).ToHashSet());
            Assert.Equal(expected.Count, all.Select(a => a.WebhookId).Distinct().Count());
            Assert.NotEmpty(cut);
            Assert.All(cut, a => Assert.True(a.BeforeKill));
            foreach (var attempt in cut)
            {
                // The interrupted attempt comes again, from the other node, with the same webhook-id,
                // and not before the lease ran out: it was taken before the request went out, so
                // some slack (a loaded machine), but far more than the other node's 1 s poll.
                var again = Assert.Single(all, a => a.WebhookId == attempt.WebhookId && a.Sender == survivor.ProcessId);
                Assert.Equal(attempt.Request.BodyText, again.Request.BodyText);
                Assert.True(again.At - attempt.At >= lease.TotalMilliseconds - 2500,
                    $"{attempt.WebhookId} was sent again {again.At - attempt.At} ms after the interrupted attempt, within its lease of {lease}");
            }
            // Nothing else arrived twice.
            Assert.Equal(expected.Count + cut.Count, all.Count);

            // The log (on the survivor) has one success per delivery; the cut attempt never got to record itself.
            foreach (var (path, (type, id)) in hooks)
            {
                var log = await DispatchCalls.LogUntilAsync(survivor == nodes.A ? users[0] : users[1], Extension, type, id, entries => entries.Length >= calls);
                Assert.Equal(calls, log.Length);
                Assert.All(log, e => Assert.Equal("succeeded", e.GetProperty("outcome").GetString()));
                Assert.Equal(all.Where(a => a.Path == path).Select(a => a.WebhookId).Distinct().Order(), log.Select(e => "msg_" + e.GetProperty("id").GetString()).Order());
            }
        }
        finally
        {
            await nodes.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task AnAttemptThatOutlivesItsLeaseDoesNotUndoTheSuccessOfTheClaimThatTookTheDeliveryOver()
    {
        var lease = TimeSpan.FromSeconds(2);
        var nodes = new TwoNodesFixture(name => [.. NodeSettings(name, lease, requestTimeout: TimeSpan.FromSeconds(30)), "--Delivery:RetrySchedule:0=00:00:01"]);
        await using var receiver = await Receiver.StartAsync();
        try
        {
            await nodes.InitializeAsync();
            var arrivals = new ConcurrentQueue<ReceivedRequest>();
            var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            receiver.Respond = async (request, context) =>
            {
                arrivals.Enqueue(request);
                // The first attempt (a request timeout above the lease, as when a node pauses) is
                // answered 503 only once the delivery was claimed again and that attempt succeeded.
                var first = arrivals.Count == 1;
                if (first)
                {
                    await releaseFirst.Task.WaitAsync(TimeSpan.FromSeconds(25));
                }
                context.Response.StatusCode = first ? 503 : 200;
            };
            var (users, admins, _) = await ClientsAsync(nodes);
            var id = await CreateAsync(users[0], "@me", Extension, type: 0, receiver.Url("/slow"), method: 1);

            await DispatchCalls.ReportAsync(admins[0], DispatchCalls.Event("call-1", "dial-in", Extension));
            await DispatchCalls.LogUntilAsync(users[1], Extension, 0, id, entries => entries.Any(e => e.GetProperty("outcome").GetString() == "succeeded"));
            releaseFirst.SetResult();
            var log = await DispatchCalls.LogUntilAsync(users[0], Extension, 0, id, entries => entries.Length >= 2);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the retry's 1 s and a poll: a pending row would be sent again now

            output.WriteLine(string.Join("; ", log.Select(e => e.ToString())));
            Assert.Equal(2, arrivals.Count);
            Assert.Single(arrivals.Select(a => a.Header("webhook-id")).Distinct());
            Assert.Equal(["retrying", "succeeded"], log.Select(e => e.GetProperty("outcome").GetString()).Order());
            Assert.Equal(2, (await DispatchCalls.LogAsync(users[1], Extension, 0, id)).Length);
        }
        finally
        {
            await nodes.DisposeAsync();
        }
    }

    private static string[] NodeSettings(string name, TimeSpan lease, TimeSpan requestTimeout) =>
    [
        "--Delivery:AllowedNetworks:0=127.0.0.0/8",
        $"--Delivery:NodeId=node-{name.ToLowerInvariant()}",
        $"--Delivery:LeaseDuration={lease:c}",
        $"--Delivery:RequestTimeout={requestTimeout:c}",
        "--Delivery:ConnectTimeout=00:00:01",
        "--Delivery:RetryJitter=0",
    ];

    private static int? SenderOf(TwoNodesFixture nodes, Receiver receiver, Microsoft.AspNetCore.Http.HttpContext context) =>
        LoopbackConnections.OwnerOf(context.Connection.RemotePort, receiver.Port, [nodes.A.ProcessId, nodes.B.ProcessId]);

    /// <summary>A user app's clients and an admin app's (the PBX's) clients on node A and B, and the user app's signing secret.</summary>
    private static async Task<(HttpClient[] Users, HttpClient[] Admins, string SigningSecret)> ClientsAsync(TwoNodesFixture nodes)
    {
        var user = await nodes.CliJsonAsync("apps", "add", "--account", User, "--trusted", "--name", "delivery across nodes");
        var (userId, userSecret) = (user.GetProperty("clientId").GetString()!, user.GetProperty("clientSecret").GetString()!);
        var (adminId, adminSecret) = await nodes.AddAppAsync("admin");
        HttpClient[] users = [
            TwoNodesFixture.ClientWith(nodes.A, await TwoNodesFixture.TokenAsync(nodes.A, userId, userSecret)),
            TwoNodesFixture.ClientWith(nodes.B, await TwoNodesFixture.TokenAsync(nodes.B, userId, userSecret))];
        HttpClient[] admins = [
            TwoNodesFixture.ClientWith(nodes.A, await TwoNodesFixture.TokenAsync(nodes.A, adminId, adminSecret)),
            TwoNodesFixture.ClientWith(nodes.B, await TwoNodesFixture.TokenAsync(nodes.B, adminId, adminSecret))];
        return (users, admins, user.GetProperty("signingSecret").GetString()!);
    }

    /// <summary>A POST hook and a GET hook per kind, made on alternating nodes; by path: (type, id).</summary>
    private static async Task<Dictionary<string, (int Type, string Id)>> CreateHooksAsync(HttpClient[] users, Receiver receiver, string[]? kinds = null)
    {
        var hooks = new Dictionary<string, (int, string)>();
        foreach (var kind in kinds ?? Kinds)
        {
            var type = CallEventKinds.EventType(kind)!.Value;
            foreach (var (method, name) in new[] { (1, "post"), (0, "get") })
            {
                var path = $"/{kind}/{name}";
                hooks[path] = (type, await CreateAsync(users[hooks.Count % 2], "@me", Extension, type, receiver.Url(path), method));
            }
        }
        return hooks;
    }

    private static void AssertSigned(ReceivedRequest request, string secret)
    {
        var content = request.Method == "GET" ? request.Query : request.BodyText;
        var expected = DispatchCalls.ExpectedSignature(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), content);
        Assert.Equal(expected, request.Header("webhook-signature"));
    }
}
