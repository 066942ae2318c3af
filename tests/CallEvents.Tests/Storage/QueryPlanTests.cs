using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Sending;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CallEvents.Tests.Storage;

/// <summary>
/// Statements that run on a timer under the write gate must not read whole tables: a scan there
/// stalls every write for as long as it takes (0.45-0.70 s a second at 350,000 events, found by
/// the benchmark). SQLite's own plan, on a database made by the real migrations; on PostgreSQL,
/// the claim's plan (its cost grew with the queue when the planner chose joins).
/// </summary>
public sealed class QueryPlanTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [SqliteFact]
    public async Task TheSweepOfDisabledEventsReadsOnlyTheirPartialIndexNotEveryEvent()
    {
        var plan = await PlanAsync(DeliveryQueue.CancelDisabledSql);
        Assert.True(plan.Any(line => line.Contains("INDEX ix_phone_call_events_disabled", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.DoesNotContain(plan, line => line.Contains("SCAN phone_call_events", StringComparison.Ordinal)
            && !line.Contains("ix_phone_call_events_disabled", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("SCAN deliveries", StringComparison.Ordinal));
    }

    [SqliteFact]
    public async Task TheClaimReadsThePendingRowsThroughTheirPartialIndexAndNeverScansTheQueueOrItsLog()
    {
        // With a full tenant skipped: the claim's longest shape.
        var plan = await PlanAsync(DeliveryQueue.ClaimSql(postgres: false, fullTenants: 1), "@owner", "@until", "@limit", "@t0");
        Assert.True(plan.Any(line => line.Contains("SEARCH d USING INDEX ix_deliveries_pending (due_at<?)", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.True(plan.Any(line => line.Contains("SEARCH p USING INDEX ix_deliveries_event_id_call_id", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.DoesNotContain(plan, line => line.Contains("SCAN", StringComparison.Ordinal) && !line.Contains("CONSTANT ROW", StringComparison.Ordinal));
    }

    [SqliteFact]
    public async Task TheSendersReadOfAClaimsHooksAndSecretsSeeksEachEventByItsKeyAndScansNoTable()
    {
        var plan = await PlanAsync(DeliveryTargets.Sql(postgres: false), "@p0");
        Assert.True(plan.Any(line => line.Contains("SEARCH p USING INDEX sqlite_autoindex_phone_call_events_1 (id=?)", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.True(plan.Any(line => line.Contains("SEARCH x USING INTEGER PRIMARY KEY", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.True(plan.Any(line => line.Contains("SEARCH s USING INDEX sqlite_autoindex_app_signing_secrets_1 (client_id=?)", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.DoesNotContain(plan, line => line.Contains("SCAN", StringComparison.Ordinal) && !line.Contains("json_each", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task OnPostgresTheClaimWalksThePendingIndexInOrderAndFindsPredecessorsByCallEvenWhenTheStatisticsSayTheQueueIsEmpty()
    {
        // The queue fills and drains within autovacuum's minute, so its statistics are usually
        // those of another moment. Analyzed while it held only delivered rows (the log), then
        // 5,000 rows queued, the claim's former text was planned to read the whole pending index
        // for each row it claimed (bench/README.md, Deliveries on PostgreSQL (session 7)). Both
        // plans a prepared claim may get, generic and custom.
        var database = "callevents_plan_" + Guid.NewGuid().ToString("N");
        var connectionString = TestDatabase.CreateDatabase(database);
        try
        {
            await using (await CallEventsHost.StartAsync(["Database:Provider=Postgres", $"Database:ConnectionString={connectionString}", "Delivery:SenderEnabled=false"]))
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await ExecuteAsync(connection, """
                    ALTER TABLE deliveries SET (autovacuum_enabled = false);
                    ALTER TABLE phone_call_events SET (autovacuum_enabled = false);
                    INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified)
                    SELECT 'planEvent' || lpad(i::text, 21, '0'), x.id, 0, 1, 'https://crm.example.com/plan/' || i, 1, NULL, '2026-12-01T00:00:00+00:00'
                    FROM extensions x, generate_series(1, 8) i WHERE x.number = '0003*210';
                    INSERT INTO deliveries (id, event_id, call_id, kind, payload, state, due_at, created_at, attempts, run_attempts, finished_at)
                    SELECT lpad(g::text, 24, '0'), 'planEvent' || lpad((1 + g % 8)::text, 21, '0'), 'call-' || (g / 8), 'dial-in', 'x', 1, 1000 + g / 100, 1000, 1, 1, 2000
                    FROM generate_series(1, 20000) g;
                    ANALYZE deliveries;
                    ANALYZE phone_call_events;
                    INSERT INTO deliveries (id, event_id, call_id, kind, payload, state, due_at, created_at, attempts, run_attempts)
                    SELECT lpad(g::text, 24, '0'), 'planEvent' || lpad((1 + g % 8)::text, 21, '0'), 'call-' || (g / 8), 'dial-in', 'x', 0, 1000 + g / 100, 1000, 0, 0
                    FROM generate_series(20001, 25000) g;
                    """);
                var claim = DeliveryQueue.ClaimSql(postgres: true, fullTenants: 0)
                    .Replace("@owner", "$1", StringComparison.Ordinal).Replace("@until", "$2", StringComparison.Ordinal)
                    .Replace("@now", "$3", StringComparison.Ordinal).Replace("@limit", "$4", StringComparison.Ordinal);
                await ExecuteAsync(connection, $"PREPARE claim (varchar, bigint, bigint, int) AS {claim}");
                foreach (var mode in new[] { "force_generic_plan", "force_custom_plan" })
                {
                    await ExecuteAsync(connection, $"SET plan_cache_mode = {mode}");
                    var plan = await PostgresPlanAsync(connection, "EXPLAIN EXECUTE claim ('node', 2000, 9000, 24)");
                    Assert.True(plan.Contains("Index Scan using ix_deliveries_pending on deliveries d", StringComparison.Ordinal), mode + ": " + plan);
                    Assert.True(plan.Contains("Index Scan using ix_deliveries_event_id_call_id on deliveries p", StringComparison.Ordinal), mode + ": " + plan);
                    Assert.False(plan.Contains("ix_deliveries_pending on deliveries p", StringComparison.Ordinal), mode + ": " + plan);
                    Assert.False(plan.Contains("Sort Key: d.due_at", StringComparison.Ordinal), mode + ": " + plan);
                    Assert.False(plan.Contains("Seq Scan on deliveries", StringComparison.Ordinal), mode + ": " + plan);
                }
            }
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(database);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> PostgresPlanAsync(NpgsqlConnection connection, string explain)
    {
        await using var command = new NpgsqlCommand(explain, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join("\n", lines);
    }

    private async Task<List<string>> PlanAsync(string sql, params string[] otherParameters)
    {
        var path = Path.Combine(fixture.Host.DataDirectory, "callevents.db");
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("@now", 0L);
        foreach (var name in otherParameters)
        {
            command.Parameters.AddWithValue(name, 0L);
        }
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }
        Assert.NotEmpty(plan);
        return plan;
    }
}
