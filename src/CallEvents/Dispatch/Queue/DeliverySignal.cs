namespace CallEvents.Dispatch.Queue;

/// <summary>
/// Wakes this node's sender when intake or a replay has queued something, instead of waiting for
/// the next poll, and says for whom: a claim that skips full tenants reads past their whole
/// backlog, so the sender makes one only when something may be due for another tenant
/// (<see cref="TakeQueued"/>).
/// </summary>
public sealed class DeliverySignal : IDisposable
{
    private static readonly HashSet<string> None = [];

    private readonly Lock _lock = new();
    private TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<string> _queuedFor = new(StringComparer.Ordinal);
    private bool _anything;

    /// <summary>Something may be due for any tenant (a replay, the poll timer: retries and leases come due with time, other nodes queue).</summary>
    public void Wake()
    {
        lock (_lock)
        {
            _anything = true;
            _woken.TrySetResult();
        }
    }

    /// <summary>This node's intake queued deliveries for these tenants (organization ids).</summary>
    public void Queued(IEnumerable<string> tenants)
    {
        lock (_lock)
        {
            _queuedFor.UnionWith(tenants);
            _woken.TrySetResult();
        }
    }

    /// <summary>The sender's own wake: room for more was made, nothing new was queued.</summary>
    public void Nudge()
    {
        lock (_lock)
        {
            _woken.TrySetResult();
        }
    }

    /// <summary>What was queued since the last call: for anyone, or for the tenants named.</summary>
    public (bool Anything, IReadOnlySet<string> Tenants) TakeQueued()
    {
        lock (_lock)
        {
            var anything = _anything;
            _anything = false;
            if (_queuedFor.Count == 0)
            {
                return (anything, None);
            }
            var tenants = _queuedFor;
            _queuedFor = new(StringComparer.Ordinal);
            return (anything, tenants);
        }
    }

    /// <summary>
    /// Waits until woken (the sender's poll timer wakes it too). Nothing is thrown on the way
    /// unless <paramref name="cancellationToken"/> is cancelled: the sender waits once per round,
    /// and a cancellation exception per wait (as SemaphoreSlim's cancelled wait throws) was a
    /// tenth of the sender's CPU in the profile.
    /// </summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task woken;
        lock (_lock)
        {
            woken = _woken.Task;
        }
        if (!woken.IsCompleted)
        {
            await woken.WaitAsync(cancellationToken);
        }
        lock (_lock)
        {
            if (_woken.Task.IsCompleted)
            {
                _woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Dispose()
    {
    }
}
