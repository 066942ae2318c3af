using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Signing;
using CallEvents.Hosting.Startup;
using CallEvents.Observability;
using CallEvents.Storage.Sql;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Sending;

/// <summary>
/// The sender: claims due deliveries from the database with a lease, sends each at most
/// <c>MaxConcurrency</c> at a time, <c>MaxConcurrencyPerDestination</c> per destination and
/// <c>MaxConcurrencyPerTenant</c> per organization (so one slow receiver, or one tenant's many,
/// cannot take every slot), and records every attempt. It sleeps until intake
/// wakes it, an attempt finishes, or the poll interval passes on the TimeProvider. A delivery's
/// stages (<see cref="DeliveryPipeline"/>): claimed and made ready in <see cref="ClaimAndStartAsync"/>,
/// sent and finished in <see cref="RunAsync"/>, written by the <see cref="AttemptWriter"/>.
/// </summary>
public sealed class DeliverySender(
    WriteBatches writes, PreparedSql sql, SigningSecretCache signingSecrets, DeliveryHttp http, DeliverySignal signal,
    IOptions<DeliveryOptions> options, TimeProvider clock, DatabaseReadiness readiness, ILogger<DeliverySender> logger) : BackgroundService
{
    private readonly DeliveryOptions _options = options.Value;
    private readonly string _owner = options.Value.NodeId is { Length: > 0 } node ? node : Environment.MachineName;
    private readonly SenderSlots _slots = new(options.Value);
    private readonly HashSet<Task> _inFlight = [];
    private AttemptWriter? _writer;
    private long _nextSweep = long.MinValue;

    /// <summary>
    /// Set when a claim found fewer due deliveries than it wanted while it skipped these full
    /// tenants (or none): no other tenant had anything due. A claim that skips full tenants reads
    /// past their whole backlog (no index leads to a tenant's rows), so while every tenant named
    /// here is still full and nothing was queued for another tenant since, the sender does not
    /// make one: otherwise every few finished requests of a lone busy tenant were a claim that
    /// read its whole backlog inside the write gate (the deliveries bench fell from 5,161/s to
    /// 853/s, and to 109/s on PostgreSQL, as the backlog grew). A claim once one of them is no
    /// longer full takes its rows as usual (they come first) and leaves this as it is. Intake
    /// names its tenants (<see cref="DeliverySignal.Queued"/>); a replay and the poll timer
    /// (retries, leases and given-back rows come due with time, other nodes queue) clear it.
    /// </summary>
    private HashSet<string>? _drainedExcept;
    private CancellationToken _stopping;

    public int SlotsInUse => _slots.Running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!await readiness.WaitUntilServingAsync(stoppingToken))
        {
            return; // the node gave up, or stopped, before it could serve (Hosting/Startup/DatabaseReadiness.cs)
        }
        _stopping = stoppingToken;
        await writes.RunAsync(lease => DeliveryQueue.ReleaseOwnLeasesAsync(lease, _owner));
        var writer = _writer = new AttemptWriter(
            batch => writes.RunUnitAsync(async lease => { await DeliveryRecorder.RecordAsync(lease, batch, _options, clock.GetUtcNow()); return 0; }),
            logger);
        var writing = writer.RunAsync();
        // One periodic timer, armed once: a timer armed anew before each wait could be armed
        // just after a test moved the fake clock, and then never fire.
        using var poll = clock.CreateTimer(_ => signal.Wake(), null, _options.PollInterval, _options.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var full = await ClaimAndStartAsync(stoppingToken);
                if (!full)
                {
                    // Intake, a replay, every finished attempt (RunAsync) and the poll timer wake it.
                    await signal.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The delivery sender failed a round; trying again after the poll interval.");
                await Task.Delay(_options.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        Task[] remaining;
        lock (_inFlight)
        {
            remaining = [.. _inFlight];
        }
        await Task.WhenAll(remaining).ContinueWith(_ => { }, TaskScheduler.Default);
        writer.Complete();
        await writing;
    }

    /// <summary>One round; true when every free slot was filled (so another round may find more at once).</summary>
    private async Task<bool> ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // The sweep reads every pending row; the claim already skips disabled events, so the
        // sweep only turns their rows into "cancelled" log entries and can wait a poll interval
        // (it ran every round, i.e. after every finished attempt, before).
        if (now >= _nextSweep)
        {
            DeliveryTelemetry.Cancelled(await writes.RunUnitAsync(lease => DeliveryQueue.CancelDisabledAsync(lease, now)));
            _nextSweep = now + (long)_options.PollInterval.TotalMilliseconds;
        }
        var wanted = _slots.Wanted();
        if (wanted <= 0)
        {
            return false;
        }
        var fullTenants = _slots.FullTenants();
        var (anything, queuedFor) = signal.TakeQueued();
        if (_drainedExcept is { } drained && (anything || queuedFor.Any(t => !drained.Contains(t))))
        {
            _drainedExcept = null;
        }
        if (fullTenants.Count > 0 && _drainedExcept is { } none && none.IsSubsetOf(fullTenants))
        {
            return false; // only full tenants have due deliveries: a claim would read their backlog and find nothing
        }
        // Stage 1 → 2: due queue rows become claimed deliveries, each under this claim's lease.
        var leaseUntil = now + (long)_options.LeaseDuration.TotalMilliseconds;
        var claimed = await writes.RunAsync(lease => DeliveryQueue.ClaimAsync(lease, _owner, wanted, now, leaseUntil, fullTenants));
        if (claimed.Count < wanted)
        {
            _drainedExcept = [.. fullTenants];
        }
        if (claimed.Count == 0)
        {
            return false;
        }

        var eventIds = claimed.Select(c => c.EventId).Distinct().ToList();
        var (hooks, secrets) = await DeliveryTargets.LoadAsync(sql, signingSecrets, eventIds, clock.GetUtcNow().ToUnixTimeMilliseconds(), stoppingToken);
        var busy = new List<long>();
        foreach (var delivery in claimed)
        {
            // Read after the claim committed: an event deleted or disabled before this point is
            // not sent to (a deleted one's rows are gone; a disabled one's are cancelled by the next sweep).
            if (!hooks.TryGetValue(delivery.EventId, out var hook))
            {
                continue;
            }
            if (hook.Status != 1)
            {
                await writes.RunAsync(lease => DeliveryQueue.ReleaseAsync(lease, [delivery.Seq], _owner, now));
                continue;
            }
            // Stage 2 → 3: ready to send, waiting for a slot.
            var ready = new DeliveryPipeline.Ready(delivery, hook, secrets.GetValueOrDefault(hook.AppClientId ?? "") ?? [], Destination(hook.Url));
            if (!_slots.TryAdd(ready))
            {
                busy.Add(delivery.Seq);
            }
        }
        if (busy.Count > 0)
        {
            // Their destination or their tenant has its share sending and waiting: back to the
            // queue for a while, behind what else is due (other tenants' deliveries among it).
            var due = now + (long)_options.DestinationBusyDelay.TotalMilliseconds;
            await writes.RunAsync(lease => DeliveryQueue.ReleaseAsync(lease, busy, _owner, due));
        }
        StartWaiting();
        return claimed.Count == wanted;
    }

    /// <summary>Starts every waiting delivery that a free slot allows.</summary>
    private void StartWaiting()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var ready in _slots.TakeStartable(now + (long)(_options.LeaseDuration.TotalMilliseconds / 2), now))
        {
            var task = RunAsync(ready, _stopping);
            lock (_inFlight)
            {
                _inFlight.Add(task);
            }
            _ = task.ContinueWith(t =>
            {
                lock (_inFlight)
                {
                    _inFlight.Remove(t); // kept only so that shutdown can wait for them
                }
            }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(DeliveryPipeline.Ready ready, CancellationToken stoppingToken)
    {
        var sending = true;
        try
        {
            await Task.Yield(); // StartWaiting may run on a finishing request's thread: do not send inline
            var started = clock.GetUtcNow();
            var startedTicks = clock.GetTimestamp();
            // Stage 3 → 4: sent; what it came to is a finished attempt.
            using var attempt = DeliveryTelemetry.StartAttempt(ready.Delivery, ready.Hook);
            var result = await SendAsync(ready.Delivery, ready.Hook, ready.Secrets, started, stoppingToken);
            var latency = (long)clock.GetElapsedTime(startedTicks).TotalMilliseconds;
            DeliveryTelemetry.Attempted(attempt, ready.Delivery, result, latency, _options, logger);
            // The request is done: its slot (the limits are on requests in flight) goes to the
            // next waiting delivery while the result waits for the next batch write. The row
            // stays pending and leased until then, so nothing, not even the next event of the
            // same call, can be claimed past it.
            EndRequest(ready, recording: true, result.HttpStatus is null ? null : clock.GetUtcNow().ToUnixTimeMilliseconds());
            sending = false;
            // Stage 4 → 5: the result waits for the writer, which logs it and moves the row on.
            await _writer!.WriteAsync(new DeliveryPipeline.Finished(ready.Delivery, result, started.ToUnixTimeMilliseconds(), latency));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: the lease runs out and the delivery is retried, with the same webhook-id
        }
        catch (Exception e)
        {
            logger.LogError(e, "Recording delivery {Delivery} failed; it is retried when its lease runs out.", ready.Delivery.Id);
        }
        finally
        {
            if (sending)
            {
                EndRequest(ready, recording: false, answeredAt: null);
            }
            else
            {
                _slots.EndRecording();
                signal.Nudge();
            }
        }
    }

    private void EndRequest(DeliveryPipeline.Ready ready, bool recording, long? answeredAt)
    {
        _slots.EndRequest(ready, recording, answeredAt);
        if (!_stopping.IsCancellationRequested)
        {
            StartWaiting();
        }
        signal.Nudge(); // a claim may now take more (the round decides whether to claim: _drainedExcept)
    }

    private async Task<AttemptResult> SendAsync(DeliveryPipeline.Claimed delivery, DeliveryHook hook, IReadOnlyList<string> secrets, DateTimeOffset now, CancellationToken stoppingToken)
    {
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token);
        try
        {
            using var request = DeliveryRequest.Build(hook.Method, hook.Url, delivery.Payload, "msg_" + delivery.Id, now.ToUnixTimeSeconds(), secrets);
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return AttemptResult.FromResponse(response, clock.GetUtcNow());
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            return AttemptResult.FromException(e, deadline.IsCancellationRequested);
        }
    }

    private static string Destination(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : url;
}
