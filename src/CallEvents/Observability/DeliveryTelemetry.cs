using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using CallEvents.Dispatch;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Sending;

namespace CallEvents.Observability;

/// <summary>
/// One delivery attempt as operators see it: a span around the request, a counter and a
/// latency histogram by outcome, and one log line. They carry the delivery id and the event id
/// (the delivery log API's keys), never the hook's URL: its path and query may hold the
/// receiver's own secret, so only the host and port are named.
/// </summary>
public static class DeliveryTelemetry
{
    public const string OutcomeAttribute = "callevents.delivery.outcome";

    private static readonly Counter<long> Attempts = Telemetry.Meter.CreateCounter<long>(
        "callevents.deliveries.attempted", "{delivery}", "Delivery attempts made, by outcome: succeeded, retrying (a retry is scheduled) or failed (given up).");

    private static readonly Counter<long> CancelledCount = Telemetry.Meter.CreateCounter<long>(
        "callevents.deliveries.cancelled", "{delivery}", "Pending deliveries cancelled without an attempt because their phone call event was disabled.");

    private static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram(
        "callevents.delivery.duration", "s", "How long a delivery attempt's request took, from sending to the response's headers (or the failure), by outcome.",
        advice: Telemetry.SecondsBuckets);

    /// <summary>The attempt's span (null when tracing is off); <see cref="Attempted"/> ends it.</summary>
    public static Activity? StartAttempt(DeliveryPipeline.Claimed delivery, DeliveryHook hook)
    {
        var activity = Telemetry.Source.StartActivity("callevents.delivery.attempt", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("callevents.delivery.id", delivery.Id)
                .SetTag("callevents.event.id", delivery.EventId)
                .SetTag("callevents.event.kind", delivery.Kind)
                .SetTag("callevents.call.id", delivery.CallId)
                .SetTag("callevents.delivery.attempt", delivery.Attempts + 1)
                .SetTag("http.request.method", hook.Method == 0 ? "GET" : "POST");
            if (Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri))
            {
                activity.SetTag("server.address", uri.Host).SetTag("server.port", uri.Port);
            }
        }
        return activity;
    }

    /// <summary>The request is done: count it, end the span, and write the attempt's log line.</summary>
    public static void Attempted(Activity? activity, DeliveryPipeline.Claimed delivery, AttemptResult result, long latencyMs, DeliveryOptions options, ILogger logger)
    {
        // The outcome the recorder will write (the retry schedule's rule, not a copy of it).
        var outcome = Outcome(DeliveryRecorder.Plan(delivery, result, options, 0).Outcome);
        var tag = new KeyValuePair<string, object?>(OutcomeAttribute, outcome);
        Attempts.Add(1, tag);
        Duration.Record(latencyMs / 1000.0, tag);
        if (activity is not null)
        {
            activity.SetTag(OutcomeAttribute, outcome).SetTag("http.response.status_code", result.HttpStatus);
            if (!result.Succeeded)
            {
                activity.SetTag("error.type", result.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "network")
                    .SetStatus(ActivityStatusCode.Error, result.Error);
            }
            activity.Stop();
        }
        var level = outcome == "failed" ? LogLevel.Warning : LogLevel.Information;
        if (logger.IsEnabled(level))
        {
            logger.Log(level, "Delivery {DeliveryId} of event {EventId} ({Kind}) attempt {Attempt}: {Outcome}, HTTP {HttpStatus}, {LatencyMs} ms, trace {TraceId}, error {Error}",
                delivery.Id, delivery.EventId, delivery.Kind, delivery.Attempts + 1, outcome, result.HttpStatus?.ToString(CultureInfo.InvariantCulture) ?? "-",
                latencyMs, activity?.TraceId.ToString() ?? "-", result.Error ?? "-");
        }
    }

    /// <summary>Pending deliveries of disabled events cancelled by the sender's sweep.</summary>
    public static void Cancelled(int count)
    {
        if (count > 0)
        {
            CancelledCount.Add(count);
        }
    }

    /// <summary>As the delivery log API spells it.</summary>
    public static string Outcome(AttemptOutcome outcome) =>
        OutcomeNames.TryGetValue(outcome, out var name) ? name : outcome.ToString().ToLowerInvariant();

    /// <summary>Each outcome's name lower-cased, made once: every attempt names its outcome twice (its counter's tag, its log line).</summary>
    private static readonly Dictionary<AttemptOutcome, string> OutcomeNames = Enum.GetValues<AttemptOutcome>().ToDictionary(o => o, o => o.ToString().ToLowerInvariant());
}
