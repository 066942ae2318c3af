using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallEvents.Observability;

/// <summary>
/// Readiness of the database: <c>serve</c> has passed its start-up gate (SchemaGate.cs), the
/// database answers, and it holds exactly the migrations this build knows (a <c>migrate</c> by
/// a newer build, or a schema rolled back, makes this node unready rather than let it write
/// into a schema it does not know). One read of the migrations table, shared by every probe
/// for a second and cut off after two (<see cref="CachedQuery{T}"/>).
/// </summary>
public sealed class DatabaseHealthCheck : IHealthCheck
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly PreparedSql _sql;
    private readonly DatabaseOptions _options;
    private readonly DatabaseReadiness _readiness;
    private readonly ILogger<DatabaseHealthCheck> _logger;
    private readonly CachedQuery<string?> _probe;
    private string? _lastProblem;

    public DatabaseHealthCheck(PreparedSql sql, DatabaseOptions options, DatabaseReadiness readiness, TimeProvider clock, ILogger<DatabaseHealthCheck> logger)
    {
        _sql = sql;
        _options = options;
        _readiness = readiness;
        _logger = logger;
        _probe = new CachedQuery<string?>(ProbeAsync, FreshFor, Timeout, clock);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_readiness.IsHeld)
        {
            return HealthCheckResult.Unhealthy("The node is starting: the database has not been reached or its schema not checked yet.");
        }
        var problem = await _probe.GetAsync().WaitAsync(cancellationToken);
        return problem is null ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(problem);
    }

    /// <summary>Null when ready, else why not. Never throws: a failure is an answer, cached like any other.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        string? problem;
        Exception? failure = null;
        try
        {
            var known = MigrationHistory.Known(_options.Provider).ToHashSet(StringComparer.Ordinal);
            var applied = await MigrationHistory.ReadAppliedAsync(_sql, cancellationToken);
            problem = applied.IsSupersetOf(known)
                ? applied.IsSubsetOf(known) ? null : "The database schema is newer than this build."
                : "The database schema is behind this build.";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            problem = $"The database did not answer within {Timeout.TotalSeconds:0} s.";
        }
        catch (Exception exception)
        {
            problem = "The database could not be reached.";
            failure = exception;
        }
        // Each change once in the log (probes come every few seconds; their answers are not worth a line each).
        if (problem != Interlocked.Exchange(ref _lastProblem, problem))
        {
            if (problem is null)
            {
                _logger.LogInformation("Readiness: the database is reachable and its schema current again.");
            }
            else
            {
                _logger.LogWarning(failure, "Readiness: {Problem} /readyz answers 503 until it is resolved.", problem);
            }
        }
        return problem;
    }
}
