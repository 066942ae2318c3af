using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Sending;
using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.Tests.Infrastructure;
using CallEvents.Uapi;
using Microsoft.Data.Sqlite;
using SQLitePCL;

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

    [SqliteFact]
    public async Task AListsPageIsReadInTheOrderOfItsIndexWithoutSortingTheExtension()
    {
        foreach (var descending in new[] { false, true })
        {
            var plan = await PlanAsync(PageSql(descending), "@p0", "@p1", "@p2");
            Assert.True(plan.Any(line => line.Contains("USING INDEX ix_phone_call_events_extension_id_url_id (extension_id=?)", StringComparison.Ordinal)), string.Join(" / ", plan));
            Assert.DoesNotContain(plan, line => line.Contains("TEMP B-TREE", StringComparison.Ordinal) || line.Contains("SCAN", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The statements that run on every request or claim are planned once per connection, not
    /// again at each binding of their LIMIT (SqlLimit): SQLite's own count of the times it
    /// prepared a statement again, over executions with new values, on a copy of the database.
    /// </summary>
    [SqliteFact]
    public async Task TheHotStatementsWithALimitArePreparedOnceNotAgainAtEachBinding()
    {
        var copy = Path.Combine(fixture.Host.DataDirectory, $"replan-{Guid.NewGuid():N}.db");
        await using (var source = new SqliteConnection($"Data Source={Path.Combine(fixture.Host.DataDirectory, "callevents.db")};Mode=ReadOnly;Pooling=False"))
        {
            await source.OpenAsync();
            await using var vacuum = source.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        try
        {
            await using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
            await connection.OpenAsync();
            foreach (var sql in new[] { PageSql(descending: false), DeliveryQueue.ClaimSql(postgres: false, fullTenants: 1) })
            {
                Assert.Equal(0, raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement));
                using (statement)
                {
                    for (var run = 1; run <= 5; run++)
                    {
                        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(statement); i++)
                        {
                            Assert.Equal(0, raw.sqlite3_bind_int64(statement, i, run * 10 + i));
                        }
                        while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                        {
                        }
                        Assert.Equal(0, raw.sqlite3_reset(statement));
                    }
                    Assert.True(raw.sqlite3_stmt_status(statement, StatusReprepare, 0) == 0, "prepared again: " + sql);
                }
            }
        }
        finally
        {
            File.Delete(copy); // closed: its connections were not pooled
        }
    }

    /// <summary>SQLITE_STMTSTATUS_REPREPARE (sqlite3.h), which SQLitePCL.raw does not name.</summary>
    private const int StatusReprepare = 5;

    private static string PageSql(bool descending) =>
        ListPhoneCallEvents.PageSql("extension_id = @p0", new ListQuery(new PageRequest(20, 0), null, FilterOp.Contains, null, descending, FieldSelection.All), 1);

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
