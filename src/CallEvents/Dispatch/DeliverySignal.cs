namespace CallEvents.Dispatch;

/// <summary>Wakes this node's sender when intake or a replay has queued something, instead of waiting for the next poll.</summary>
public sealed class DeliverySignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // already awake
        }
    }

    /// <summary>Waits until woken or until <paramref name="delay"/> passes on <paramref name="clock"/>.</summary>
    public async Task WaitAsync(TimeSpan delay, TimeProvider clock, Task other, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wake.WaitAsync(linked.Token);
        var timer = Task.Delay(delay, clock, linked.Token);
        await Task.WhenAny(woken, timer, other);
        await linked.CancelAsync();
        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => _wake.Dispose();
}
