using CallEvents.Dispatch.Sending;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallEvents.Observability;

/// <summary>
/// Readiness of the delivery sender: running, on a node that runs one (<c>Delivery:SenderEnabled</c>).
/// A sender that has stopped (its loop ended) makes the node unready: intake would still queue, but
/// nothing on this node would send.
/// </summary>
public sealed class SenderHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var sender = services.GetService<DeliverySender>();
        var result = sender is null
            ? HealthCheckResult.Healthy("This node runs no sender (Delivery:SenderEnabled=false).")
            : sender.ExecuteTask switch
            {
                null => HealthCheckResult.Unhealthy("The delivery sender has not started yet."),
                { IsCompleted: true } => HealthCheckResult.Unhealthy("The delivery sender has stopped."),
                _ => HealthCheckResult.Healthy(),
            };
        return Task.FromResult(result);
    }
}
