using System.Diagnostics.Metrics;
using CallEvents.Dispatch;
using CallEvents.Dispatch.Sending;
using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Observability;

/// <summary>
/// The gauges read at scrape time: the queue (pending deliveries, and how long the most overdue
/// one has waited) from the database, and the sender's slots from this node's sender. They
/// belong to one host (its database, its sender), so they are made on a meter of that host's
/// <see cref="IMeterFactory"/>, named like the static one (<see cref="Telemetry"/>). The queue
/// is one indexed query, shared by every scrape within two seconds and cut off after two
/// (<see cref="CachedQuery{T}"/>): a scrape storm costs the database nothing more.
/// </summary>
public sealed class QueueGauges
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>The pending rows counted and the earliest due time, over the (state, due_at) index.</summary>
    public const string Sql = "SELECT COUNT(*), MIN(due_at) FROM deliveries WHERE state = 0";

    private readonly IServiceProvider _services;
    private readonly DatabaseReadiness _readiness;
    private readonly TimeProvider _clock;
    private readonly CachedQuery<(long Pending, long? EarliestDue)> _queue;

    public QueueGauges(IMeterFactory meters, IServiceProvider services, IServiceScopeFactory scopes, DatabaseReadiness readiness,
        IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        _services = services;
        _readiness = readiness;
        _clock = clock;
        _queue = new CachedQuery<(long, long?)>(token => ReadQueueAsync(scopes, token), FreshFor, Timeout, clock);
        var meter = meters.Create(Telemetry.Name, Telemetry.Version);
        meter.CreateObservableGauge("callevents.deliveries.pending", () => Queue(q => q.Pending), "{delivery}",
            "Deliveries waiting to be sent (due or not yet), in the whole database.");
        meter.CreateObservableGauge("callevents.deliveries.pending.oldest_age", () => Queue(OverdueSeconds), "s",
            "How long the most overdue pending delivery has waited past its due time (0 when none is due): grows when sending falls behind.");
        meter.CreateObservableGauge("callevents.sender.slots.in_use", SlotsInUse, "{request}",
            "Delivery requests in flight on this node.");
        var limit = options.Value.MaxConcurrency;
        meter.CreateObservableGauge("callevents.sender.slots.limit", () => Sender() is null ? [] : new[] { new Measurement<int>(limit) }, "{request}",
            "Delivery requests this node may have in flight (Delivery:MaxConcurrency).");
    }

    private DeliverySender? Sender() => _services.GetService<DeliverySender>();

    private IEnumerable<Measurement<int>> SlotsInUse() => Sender() is { } sender ? [new Measurement<int>(sender.SlotsInUse)] : [];

    private double OverdueSeconds((long Pending, long? EarliestDue) queue) =>
        queue.EarliestDue is { } due ? Math.Max(0, _clock.GetUtcNow().ToUnixTimeMilliseconds() - due) / 1000.0 : 0;

    /// <summary>
    /// Gauge callbacks are synchronous: the scrape waits for the shared read at most
    /// <see cref="Timeout"/>, and a node that is starting, or a database that does not answer,
    /// gives no value rather than a wrong one.
    /// </summary>
    private IEnumerable<Measurement<T>> Queue<T>(Func<(long Pending, long? EarliestDue), T> value) where T : struct
    {
        if (_readiness.IsHeld)
        {
            return []; // serve has not checked the schema yet: the database is not to be touched
        }
        var read = _queue.GetAsync();
        try
        {
            return read.Wait(Timeout) ? [new Measurement<T>(value(read.Result))] : [];
        }
        catch (AggregateException)
        {
            return [];
        }
    }

    private static async Task<(long, long?)> ReadQueueAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = Sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
