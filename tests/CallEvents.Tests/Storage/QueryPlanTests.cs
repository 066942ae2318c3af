using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Sending;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CallEvents.Tests.Storage;

/// <summary>
/// Statements that run on a timer under the write gate must not read whole tables: a scan there
/// stalls every write for as long as it takes (0.45-0.70 s a second at 350,000 events, found by
/// the benchmark). SQLite's own plan, on a database made by the real migrations.
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
