using CallEvents.Uapi;

namespace CallEvents.Storage;

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

/// <summary>
/// Background work (the delivery sender, the purge, …) must not touch the database before
/// <c>serve</c> has checked its schema, yet Kestrel must already listen to answer 503. Hosted
/// services start in registration order, before Kestrel, and awaiting readiness in one would
/// hold Kestrel back; so <c>serve</c> wraps each hosted service registered so far in one that
/// starts it once the node is ready (and never, when the node gives up).
/// </summary>
public static class DeferredHostedServices
{
    public static void DeferUntilReady(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IHostedService) || descriptor.IsKeyedService)
            {
                continue;
            }
            services[i] = ServiceDescriptor.Singleton<IHostedService>(provider => new DeferredHostedService(
                provider.GetRequiredService<DatabaseReadiness>(), Create(provider, descriptor), ownsInner: descriptor.ImplementationInstance is null));
        }
    }

    private static IHostedService Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (IHostedService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));

    private sealed class DeferredHostedService(DatabaseReadiness readiness, IHostedService inner, bool ownsInner) : IHostedService, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();
        private Task<bool> _started = Task.FromResult(false);

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _started = StartWhenReadyAsync();
            return Task.CompletedTask;
        }

        private async Task<bool> StartWhenReadyAsync()
        {
            try
            {
                await readiness.WhenOpenAsync(_stopping.Token);
                await inner.StartAsync(_stopping.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false; // stopped, or the node gave up, before it was ready
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stopping.CancelAsync();
            if (await _started)
            {
                await inner.StopAsync(cancellationToken);
            }
        }

        public void Dispose()
        {
            _stopping.Dispose();
            if (ownsInner && inner is IDisposable disposable)
            {
                disposable.Dispose(); // made here, not by the container, which would have disposed it
            }
        }
    }
}

public sealed class DatabaseReadinessMiddleware(RequestDelegate next, DatabaseReadiness readiness)
{
    public const string RetryAfterSeconds = "5";

    public Task InvokeAsync(HttpContext context)
    {
        if (!readiness.IsHeld)
        {
            return next(context);
        }
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return UapiJson.WriteErrorAsync(context, UapiError.ServiceUnavailable);
    }
}
