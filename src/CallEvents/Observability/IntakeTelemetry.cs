using System.Diagnostics;
using System.Diagnostics.Metrics;
using CallEvents.Dispatch.Intake;

namespace CallEvents.Observability;

/// <summary>What <c>POST /pbx/callEvents</c> accepted: a span around the intake and three counters.</summary>
public static class IntakeTelemetry
{
    private static readonly Counter<long> Reports = Telemetry.Meter.CreateCounter<long>(
        "callevents.intake.reports", "{report}", "Reports accepted by POST /pbx/callEvents.");

    private static readonly Counter<long> Events = Telemetry.Meter.CreateCounter<long>(
        "callevents.intake.events", "{event}", "Call events accepted, by kind (callevents.event.kind).");

    private static readonly Counter<long> Queued = Telemetry.Meter.CreateCounter<long>(
        "callevents.deliveries.queued", "{delivery}", "Deliveries queued by accepted reports.");

    /// <summary>The intake's span (null when tracing is off), a child of the request's.</summary>
    public static Activity? Start() => Telemetry.Source.StartActivity("callevents.intake");

    /// <summary>The report is committed: count it, and tag the span.</summary>
    public static void Accepted(Activity? activity, IReadOnlyList<CallEventReport> reports, int queued)
    {
        Reports.Add(1);
        foreach (var kind in reports.GroupBy(r => r.Kind, StringComparer.Ordinal))
        {
            Events.Add(kind.Count(), new KeyValuePair<string, object?>("callevents.event.kind", kind.Key));
        }
        Queued.Add(queued);
        activity?.SetTag("callevents.intake.events", reports.Count).SetTag("callevents.deliveries.queued", queued);
    }
}
