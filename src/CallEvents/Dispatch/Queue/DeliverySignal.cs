namespace CallEvents.Dispatch.Queue;

/// <summary>Wakes this node's sender when intake or a replay has queued something, instead of waiting for the next poll.</summary>
public sealed class DeliverySignal : IDisposable
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes the sender; a wake while it is busy is kept, so its next wait returns at once.</summary>
    public void Wake()
    {
        lock (_lock)
        {
            _woken.TrySetResult();
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
