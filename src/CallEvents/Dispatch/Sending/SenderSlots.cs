namespace CallEvents.Dispatch.Sending;

/// <summary>
/// The sender's bookkeeping, under one lock: requests in flight (at most <c>MaxConcurrency</c>, and
/// <c>MaxConcurrencyPerDestination</c> per host:port), claimed deliveries waiting for a slot, and
/// results waiting to be written. Claimed deliveries wait here so that a finished request starts
/// the next one at once, without a round trip to the database (the profile of the drain showed
/// the slots idle while the sender claimed, one round per finished attempt); at most
/// <c>MaxConcurrencyPerDestination</c> wait per destination, so one slow receiver cannot hold
/// the claims of the others, and one whose lease is half gone is dropped rather than sent late.
/// </summary>
public sealed class SenderSlots(DeliveryOptions options)
{
    /// <summary>Claimed-but-waiting plus results-being-written, per slot: a slow database slows the claims instead of piling up leases.</summary>
    private const int MaxHeldPerSlot = 4;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _sending = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<DeliveryPipeline.Ready> _waiting = new();
    private int _running;
    private int _recording;

    /// <summary>Requests in flight now (read without the lock: a gauge's snapshot).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>How many deliveries a claim may take now: enough to fill every slot and keep as many waiting.</summary>
    public int Wanted()
    {
        lock (_lock)
        {
            var held = _running + _waiting.Count;
            var wanted = Math.Min(2 * options.MaxConcurrency - held, MaxHeldPerSlot * options.MaxConcurrency - held - _recording);
            // While deliveries are held, claim in batches of a quarter of the slots at least:
            // a claim per finished request would be a write transaction per delivery again.
            return wanted >= Math.Max(1, options.MaxConcurrency / 4) || (held == 0 && wanted > 0) ? wanted : 0;
        }
    }

    /// <summary>Queues a claimed delivery; false when its destination already has its share sending and waiting (release it instead).</summary>
    public bool TryAdd(DeliveryPipeline.Ready ready)
    {
        lock (_lock)
        {
            var waiting = 0;
            foreach (var other in _waiting)
            {
                waiting += string.Equals(other.Destination, ready.Destination, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }
            if (_sending.GetValueOrDefault(ready.Destination) + waiting >= 2 * options.MaxConcurrencyPerDestination)
            {
                return false;
            }
            _waiting.AddLast(ready);
            return true;
        }
    }

    /// <summary>
    /// Takes the waiting deliveries that may start now (a free slot, their destination below its
    /// limit) and counts them as sending. Ones whose lease ends before <paramref name="freshUntil"/> are dropped:
    /// their rows are claimed again once the lease runs out.
    /// </summary>
    public List<DeliveryPipeline.Ready> TakeStartable(long freshUntil)
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
                    _waiting.Remove(node);
                }
                else if (_sending.GetValueOrDefault(ready.Destination) < options.MaxConcurrencyPerDestination)
                {
                    _waiting.Remove(node);
                    _sending[ready.Destination] = _sending.GetValueOrDefault(ready.Destination) + 1;
                    _running++;
                    start.Add(ready);
                }
                node = next;
            }
        }
        return start;
    }

    /// <summary>A request is done; <paramref name="recording"/>: its result is now waiting to be written.</summary>
    public void EndRequest(string destination, bool recording)
    {
        lock (_lock)
        {
            _running--;
            _recording += recording ? 1 : 0;
            if (--_sending[destination] == 0)
            {
                _sending.Remove(destination);
            }
        }
    }

    public void EndRecording()
    {
        lock (_lock)
        {
            _recording--;
        }
    }
}
