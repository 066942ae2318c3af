using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace CallEvents.Observability;

/// <summary>
/// The one <see cref="Meter"/> and the one <see cref="ActivitySource"/> of CallEvents, both named
/// <c>CallEvents</c>. Instruments that count what happens (tokens, intakes, attempts) live on the
/// static meter, so that the code being measured calls a static method and needs nothing
/// injected; the gauges that read one node's database and sender are created per host on a
/// meter of the same name (<see cref="QueueGauges"/>). Names and units follow OpenTelemetry's
/// semantic conventions; every one is listed in docs/operations.md.
/// </summary>
public static class Telemetry
{
    public const string Name = "CallEvents";

    public static readonly string Version =
        typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static readonly Meter Meter = new(Name, Version);

    public static readonly ActivitySource Source = new(Name, Version);

    /// <summary>Bucket bounds for durations in seconds: those of ASP.NET Core's <c>http.server.request.duration</c>.</summary>
    public static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    };
}
