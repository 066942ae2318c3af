using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Queue;

/// <summary>
/// Keeps the delivery log to its retention (default 7 days): log entries older than that go,
/// and so do finished deliveries (with what is left of their log). Pending deliveries stay
/// whatever their age.
/// </summary>
public sealed class DeliveryPurge(IServiceScopeFactory scopes, WriteGate gate, IOptions<DeliveryOptions> options, TimeProvider clock, DatabaseReadiness readiness, ILogger<DeliveryPurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!await readiness.WaitUntilServingAsync(stoppingToken))
        {
            return; // the node gave up, or stopped, before it could serve (Hosting/Startup/DatabaseReadiness.cs)
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
                await Task.Delay(options.Value.PurgeInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Purging the delivery log failed; trying again at the next interval.");
                await Task.Delay(options.Value.PurgeInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = (clock.GetUtcNow() - options.Value.LogRetention).ToUnixTimeMilliseconds();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        using (await gate.EnterAsync(cancellationToken))
        {
            var attempts = await db.DeliveryAttempts.Where(a => a.AttemptedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
            var deliveries = await db.Deliveries.Where(d => d.State != DeliveryState.Pending && d.FinishedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
            return attempts + deliveries;
        }
    }
}
