namespace CallEvents.Dispatch.Sending;

/// <summary>
/// The sender's bookkeeping, under one lock: requests in flight (at most <c>MaxConcurrency</c>,
/// <c>MaxConcurrencyPerDestination</c> per host:port and <c>MaxConcurrencyPerTenant</c> per
/// organization), claimed deliveries waiting for a slot, and results waiting to be written.
/// Claimed deliveries wait here so that a finished request starts the next one at once, without
/// a round trip to the database (the profile of the drain showed the slots idle while the sender
/// claimed, one round per finished attempt); at most as many as may be sending wait per
/// destination and per tenant, so one slow receiver, or one tenant's many, cannot hold the claims
/// of the others, and one whose lease is half gone is dropped rather than sent late.
/// The tenant share is work-conserving: a tenant may send beyond it (<see cref="MayBorrow"/>)
/// while no other tenant's delivery waits, one share of slots stays free for a tenant not yet
/// seen, and its receivers answer.
/// </summary>
public sealed class SenderSlots(DeliveryOptions options)
{
    /// <summary>Claimed-but-waiting plus results-being-written, per slot: a slow database slows the claims instead of piling up leases.</summary>
    private const int MaxHeldPerSlot = 4;

    private readonly Lock _lock = new();
    private readonly int _perTenant = options.EffectiveMaxConcurrencyPerTenant;

    /// <summary>The smallest claim while deliveries are held: a quarter of the slots.</summary>
    private readonly int _batch = Math.Max(1, options.MaxConcurrency / 4);

    /// <summary>
    /// The most deliveries one tenant may hold (sending and waiting): all a claim may hold but one
    /// batch, so that a claim for the others always has room; as many as a lone tenant would
    /// keep waiting, so that it is not given back what it would send next.
    /// </summary>
    private readonly int _tenantHeld = Math.Max(2 * options.EffectiveMaxConcurrencyPerTenant, 2 * options.MaxConcurrency - Math.Max(1, options.MaxConcurrency / 4));

    private readonly Dictionary<string, int> _heldByTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sending = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _sendingByTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _waitingByTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// Waiting deliveries per destination, compared as <see cref="_sending"/> is: counted, not
    /// found by walking the waiting list (that walk, once per claimed delivery, was a share of the
    /// drain's profile of its own: bench/README.md, Deliveries: the drain's profile (session 9)).
    /// </summary>
    private readonly Dictionary<string, int> _waitingByDestination = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per tenant holding deliveries: when (Unix ms) a request of its last got an HTTP answer.</summary>
    private readonly Dictionary<string, long> _answeredAt = new(StringComparer.Ordinal);

    private readonly long _answerWindow = (long)options.RequestTimeout.TotalMilliseconds;
    private readonly LinkedList<DeliveryPipeline.Ready> _waiting = new();
    private int _running;
    private int _recording;

    /// <summary>Requests in flight now (read without the lock: a gauge's snapshot).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>
    /// How many deliveries a claim may take now: enough to fill every slot and keep as many
    /// waiting, but no more than the tenant holding the most (of those not full) may still take,
    /// so that a lone tenant's claims are not given back in part.
    /// </summary>
    public int Wanted()
    {
        lock (_lock)
        {
            var held = _running + _waiting.Count;
            var wanted = Math.Min(2 * options.MaxConcurrency - held, MaxHeldPerSlot * options.MaxConcurrency - held - _recording);
            // While deliveries are held, claim in batches of a quarter of the slots at least:
            // a claim per finished request would be a write transaction per delivery again.
            if (!(wanted >= _batch || (held == 0 && wanted > 0)))
            {
                return 0;
            }
            var most = _heldByTenant.Values.Where(h => !IsFull(h)).DefaultIfEmpty(0).Max();
            return Math.Min(wanted, _tenantHeld - most);
        }
    }

    /// <summary>
    /// The tenants that cannot take a claim's batch more: a claim skips their rows (they would only
    /// be given back), so that a tenant with a long backlog does not fill every claim.
    /// </summary>
    public List<string> FullTenants()
    {
        lock (_lock)
        {
            return [.. _heldByTenant.Where(t => IsFull(t.Value)).Select(t => t.Key)];
        }
    }

    private bool IsFull(int held) => held > _tenantHeld - _batch;

    /// <summary>
    /// Queues a claimed delivery; false when its destination already has its share sending and
    /// waiting, or its tenant holds its most (release it instead).
    /// </summary>
    public bool TryAdd(DeliveryPipeline.Ready ready)
    {
        lock (_lock)
        {
            if (_sending.GetValueOrDefault(ready.Destination) + _waitingByDestination.GetValueOrDefault(ready.Destination) >= 2 * options.MaxConcurrencyPerDestination
                || _heldByTenant.GetValueOrDefault(ready.Hook.Tenant) >= _tenantHeld)
            {
                return false;
            }
            _waiting.AddLast(ready);
            _waitingByDestination[ready.Destination] = _waitingByDestination.GetValueOrDefault(ready.Destination) + 1;
            _heldByTenant[ready.Hook.Tenant] = _heldByTenant.GetValueOrDefault(ready.Hook.Tenant) + 1;
            _waitingByTenant[ready.Hook.Tenant] = _waitingByTenant.GetValueOrDefault(ready.Hook.Tenant) + 1;
            return true;
        }
    }

    /// <summary>
    /// Takes the waiting deliveries that may start now (a free slot, their destination and their
    /// tenant below their limits) and counts them as sending; the others keep their place, so a
    /// later delivery of another tenant starts past them. Ones whose lease ends before
    /// <paramref name="freshUntil"/> are dropped: their rows are claimed again once the lease runs out.
    /// <paramref name="now"/> (Unix ms) dates the answers <see cref="MayBorrow"/> looks at.
    /// </summary>
    public List<DeliveryPipeline.Ready> TakeStartable(long freshUntil, long now)
    {
        var start = new List<DeliveryPipeline.Ready>();
        lock (_lock)
        {
            for (var node = _waiting.First; node is not null && _running < options.MaxConcurrency;)
            {
                var next = node.Next;
                var ready = node.Value;
                if (ready.Delivery.Lease is { } lease && lease.Until < freshUntil)
                {
                    RemoveWaiting(node);
                    Forget(ready.Hook.Tenant);
                }
                else if (_sending.GetValueOrDefault(ready.Destination) < options.MaxConcurrencyPerDestination
                    && (_sendingByTenant.GetValueOrDefault(ready.Hook.Tenant) < _perTenant || MayBorrow(ready.Hook.Tenant, now)))
                {
                    RemoveWaiting(node);
                    _sending[ready.Destination] = _sending.GetValueOrDefault(ready.Destination) + 1;
                    _sendingByTenant[ready.Hook.Tenant] = _sendingByTenant.GetValueOrDefault(ready.Hook.Tenant) + 1;
                    _running++;
                    start.Add(ready);
                }
                node = next;
            }
        }
        return start;
    }

    /// <summary>A waiting delivery leaves the list, and its tenant's and destination's counts with it.</summary>
    private void RemoveWaiting(LinkedListNode<DeliveryPipeline.Ready> node)
    {
        _waiting.Remove(node);
        Decrement(_waitingByTenant, node.Value.Hook.Tenant);
        Decrement(_waitingByDestination, node.Value.Destination);
    }

    /// <summary>
    /// Whether a tenant at its share may start one more request: the share binds only when it
    /// would matter to another tenant, so a lone tenant gets the sender, not a quarter of it. It
    /// may not while another tenant's delivery waits here (then the shares divide the sender), nor
    /// past all slots but one share (a tenant not yet seen finds its share free at once, even if
    /// this one's receivers start to hang: a request cannot be taken back once sent), nor unless
    /// one of its requests got an HTTP answer within the last <c>RequestTimeout</c> (a tenant whose
    /// receivers hang from the start, or have hung for that long, holds its share and no more).
    /// </summary>
    private bool MayBorrow(string tenant, long now) =>
        _running < options.MaxConcurrency - _perTenant
        && _waitingByTenant.Count == (_waitingByTenant.ContainsKey(tenant) ? 1 : 0)
        && _answeredAt.TryGetValue(tenant, out var answeredAt) && answeredAt > now - _answerWindow;

    /// <summary>
    /// A request is done; <paramref name="recording"/>: its result is now waiting to be written;
    /// <paramref name="answeredAt"/> (Unix ms): when the receiver answered it, if it did.
    /// </summary>
    public void EndRequest(DeliveryPipeline.Ready ready, bool recording, long? answeredAt)
    {
        lock (_lock)
        {
            _running--;
            _recording += recording ? 1 : 0;
            Decrement(_sending, ready.Destination);
            Decrement(_sendingByTenant, ready.Hook.Tenant);
            if (answeredAt is { } at)
            {
                _answeredAt[ready.Hook.Tenant] = at;
            }
            Forget(ready.Hook.Tenant);
        }
    }

    /// <summary>One delivery of the tenant is no longer held; a tenant that holds none is forgotten, its answers with it.</summary>
    private void Forget(string tenant)
    {
        Decrement(_heldByTenant, tenant);
        if (!_heldByTenant.ContainsKey(tenant))
        {
            _answeredAt.Remove(tenant);
        }
    }

    public void EndRecording()
    {
        lock (_lock)
        {
            _recording--;
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        if (--counts[key] == 0)
        {
            counts.Remove(key);
        }
    }
}
