using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CallEvents.Observability;
using CallEvents.Tests.Operations;

namespace CallEvents.Tests.Storage;

/// <summary>What the tests of the log's restarts read: the log's own header, and the writer's restarts as /metrics counts them.</summary>
internal static class WalLog
{
    /// <summary>
    /// The tests that make the writer restart the log run one after another: each tells its own
    /// restarts from the process-wide counter by what it added.
    /// </summary>
    public const string Collection = "the writer's restarts of the log";

    /// <summary>
    /// The log header's first salt: each restart of the log adds one to it, whichever connection
    /// restarts it, and the first frame written after it writes the header (so a difference of
    /// two readings taken after a write counts the restarts between them, modulo 2³²). Not the
    /// checkpoint sequence number beside it: each connection counts that one itself, from the
    /// file's number only if it recovered the log's index and from 0 otherwise, so a restart by
    /// a newer connection can write the same number again. (A new log, or one truncated by
    /// another connection, gets random salts; the tests read a log that holds frames already.)
    /// </summary>
    public static uint Generation(FileInfo log)
    {
        using var file = new FileStream(log.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[20];
        file.ReadExactly(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
    }

    /// <summary>
    /// The restarts with this outcome counted on this host's /metrics: the writers of this process
    /// since the host's meters started (none before the first: no sample yet), shared with the
    /// other tests' hosts; read as a difference or a lower bound.
    /// </summary>
    public static double Restarts(IReadOnlyDictionary<string, PrometheusFamily> families, string outcome = SqliteLogTelemetry.Restarted) =>
        families.TryGetValue("callevents_sqlite_log_restarts_total", out var family)
            ? family.Sum(("callevents_sqlite_restart_outcome", outcome))
            : 0;

    /// <summary>
    /// The writer's restarts by outcome as they are counted, from the server's own counter: /metrics
    /// answers from a copy up to a few hundred milliseconds old, too late to tell which write took a request.
    /// </summary>
    public sealed class RestartOutcomes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, int> _counts = new();

        public RestartOutcomes()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Telemetry.Name && instrument.Name == "callevents.sqlite.log.restarts")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "callevents.sqlite.restart.outcome", Value: string outcome })
                    {
                        _counts.AddOrUpdate(outcome, (int)value, (_, count) => count + (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public int Of(string outcome) => _counts.GetValueOrDefault(outcome);

        public void Dispose() => _listener.Dispose();
    }
}
