using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace CallEvents.Observability;

/// <summary>
/// A host's metrics are its own: OpenTelemetry subscribes to meters by name, so a process that
/// runs two hosts (the test suite; a SQLite and a PostgreSQL host side by side) saw each
/// ASP.NET Core meter once per host, and the two hosts' identical series (Kestrel's memory pool,
/// with the same labels on both) came out twice in one scrape, which Prometheus rejects. A meter
/// made by some host's <see cref="IMeterFactory"/> is scoped to that factory
/// (<see cref="Meter.Scope"/>): one of another host's is dropped. Meters made without a factory
/// (this server's <see cref="Telemetry.Meter"/>, the runtime's) are the process's and stay.
/// </summary>
public static class HostScopedMeters
{
    /// <remarks>The builder of <c>WithMetrics</c> is always a deferred one (it is built with the host's services).</remarks>
    public static MeterProviderBuilder DropOtherHostsMeters(this MeterProviderBuilder meters) =>
        ((IDeferredMeterProviderBuilder)meters).Configure((services, builder) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument => Keeps(instrument.Meter, own) ? null : MetricStreamConfiguration.Drop);
        });

    /// <summary>Whether a host whose meter factory is <paramref name="own"/> exports <paramref name="meter"/>'s instruments.</summary>
    public static bool Keeps(Meter meter, IMeterFactory own) => meter.Scope is null || ReferenceEquals(meter.Scope, own);
}
