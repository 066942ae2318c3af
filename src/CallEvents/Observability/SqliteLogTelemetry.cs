using System.Diagnostics.Metrics;

namespace CallEvents.Observability;

/// <summary>
/// What an operator needs to see of SQLite's write-ahead log (Storage/Sqlite/WalCheckpoints.cs):
/// the writer's restarts of it by outcome and how long every write waited for each, and the
/// background checkpoints that failed. A log that keeps growing shows as restarts that stay
/// <c>busy</c> (readers never leave it) or <c>failed</c>, beside the log's size gauge.
/// </summary>
public static class SqliteLogTelemetry
{
    /// <summary>The writer restarted the log: its next commit starts it from the beginning.</summary>
    public const string Restarted = "restarted";

    /// <summary>A reader stayed on the log past the restart's short wait: asked again at a later checkpoint.</summary>
    public const string Busy = "busy";

    /// <summary>SQLite refused it with an error: the writer is reopened and the log kept as it is.</summary>
    public const string Failed = "failed";

    private static readonly Counter<long> Restarts = Telemetry.Meter.CreateCounter<long>(
        "callevents.sqlite.log.restarts", "{restart}", "The writer's restarts of SQLite's write-ahead log, by outcome (restarted, busy, failed).");

    private static readonly Histogram<double> RestartDuration = Telemetry.Meter.CreateHistogram(
        "callevents.sqlite.log.restart.duration", "s", "How long a restart of SQLite's write-ahead log held every write, by outcome.",
        advice: Telemetry.SecondsBuckets);

    private static readonly Counter<long> CheckpointFailures = Telemetry.Meter.CreateCounter<long>(
        "callevents.sqlite.checkpoints.failed", "{checkpoint}", "Background checkpoints of SQLite's write-ahead log that failed (the log keeps the data; the next one tries again).");

    public static void Restart(string outcome, TimeSpan held)
    {
        var tag = new KeyValuePair<string, object?>("callevents.sqlite.restart.outcome", outcome);
        Restarts.Add(1, tag);
        RestartDuration.Record(held.TotalSeconds, tag);
    }

    public static void CheckpointFailed() => CheckpointFailures.Add(1);
}
