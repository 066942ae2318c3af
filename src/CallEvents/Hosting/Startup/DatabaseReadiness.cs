namespace CallEvents.Hosting.Startup;

/// <summary>
/// Whether this node may serve yet. <c>serve</c> listens at once but holds every request with
/// 503 <c>service_unavailable</c> and Retry-After until it has reached the database and checked
/// its schema, so a node that starts while the database is unreachable answers (and tells a load
/// balancer's health check) "not yet" rather than refusing connections or failing half-way.
/// Open unless held: the in-process test host and the CLI never hold it.
/// </summary>
public sealed class DatabaseReadiness
{
    private volatile bool _held;
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsHeld => _held;

    /// <summary>
    /// What every background service awaits first in its ExecuteAsync (which the host runs on the
    /// thread pool, so Kestrel starts listening meanwhile and answers 503): true once the node serves;
    /// false when it never will (<see cref="Abandon"/>) or the host stops first: then the service
    /// returns without having touched the database.
    /// </summary>
    public async Task<bool> WaitUntilServingAsync(CancellationToken stoppingToken)
    {
        if (!_held)
        {
            return true;
        }
        try
        {
            await _opened.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Hold() => _held = true;

    public void Open()
    {
        _held = false;
        _opened.TrySetResult();
    }

    /// <summary>The node will not serve (the database stayed unreachable, or its schema is wrong): background work never starts.</summary>
    public void Abandon() => _opened.TrySetCanceled();
}
