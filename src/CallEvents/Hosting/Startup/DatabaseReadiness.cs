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

    /// <summary>Completes once the node serves: background work (delivery) waits for it before touching the database.</summary>
    public Task WhenOpenAsync(CancellationToken cancellationToken) =>
        _held ? _opened.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    public void Hold() => _held = true;

    public void Open()
    {
        _held = false;
        _opened.TrySetResult();
    }

    /// <summary>The node will not serve (the database stayed unreachable, or its schema is wrong): deferred work never starts.</summary>
    public void Abandon() => _opened.TrySetCanceled();
}
