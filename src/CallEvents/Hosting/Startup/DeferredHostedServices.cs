namespace CallEvents.Hosting.Startup;

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
