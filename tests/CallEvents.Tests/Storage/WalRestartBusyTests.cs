using System.Net;
using System.Text.Json;
using CallEvents.Observability;
using CallEvents.Storage.Sqlite;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.Operations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The writer's restart of the log waits a few milliseconds at most for readers still on it
/// (PreparedSql.TryRestartLog). A reader that stays longer makes it <c>busy</c>: an answer, not an
/// error. The write that asked goes on and commits, the log keeps every frame, and a later request
/// restarts it once the reader has left. Counts and the log's header, not times.
/// </summary>
[Collection(WalLog.Collection)]
public sealed class WalRestartBusyTests
{
    [SqliteFact]
    public async Task AReaderThatStaysOnTheLogMakesTheRestartBusyTheWriteStillCommitsAndTheNextRestartAfterItLeavesSucceeds()
    {
        await using var host = await CallEventsHost.StartAsync(["RateLimiting:PermitLimit=0", "PhoneCallEvents:MaxPerExtension=1000"]);
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var checkpoints = host.Services.GetRequiredService<WalCheckpoints>();
        var database = Path.Combine(host.DataDirectory, "callevents.db");
        var log = new FileInfo(database + "-wal");
        using var outcomes = new WalLog.RestartOutcomes();
        var writes = 0;
        await CreateAsync();

        // A reader on the log: a read transaction begun while the log holds frames not yet copied
        // back (one begun on a log all copied reads the database file only, and a restart does not
        // wait for it). The first reader holds the checkpoints back, so that the write after it
        // is still in the log when the second begins; then it leaves, and the checkpoints copy
        // all the log the second one reads.
        await using var first = await BeginReadAsync(database);
        await CreateAsync();
        await using var second = await BeginReadAsync(database);
        await first.DisposeAsync();
        var generation = WalLog.Generation(log);

        await RestartWithAWriteAsync(SqliteLogTelemetry.Busy);
        Assert.Equal(generation, WalLog.Generation(log)); // not restarted: its frames are all still there
        await second.DisposeAsync();

        // The reader gone, a requested restart succeeds (counted as it ends). The log then starts
        // anew at the next write; SQLite would also restart it by itself now that it is all
        // copied, so the header says only that the log did restart, the count that the request did.
        await RestartWithAWriteAsync(SqliteLogTelemetry.Restarted);
        await CreateAsync();
        Assert.NotEqual(generation, WalLog.Generation(log));
        Assert.Equal(0, outcomes.Of(SqliteLogTelemetry.Failed));

        // What an operator sees: the busy restart, counted and timed, once /metrics has a fresh copy.
        var families = await Scrapes.ScrapeAsync(host.Http);
        for (var scrape = 0; scrape < 50 && WalLog.Restarts(families, SqliteLogTelemetry.Busy) < 1; scrape++)
        {
            await Task.Delay(100);
            families = await Scrapes.ScrapeAsync(host.Http);
        }
        Assert.True(WalLog.Restarts(families, SqliteLogTelemetry.Busy) >= 1, "no busy restart on /metrics within 5 s");
        Assert.True(families.Family("callevents_sqlite_log_restart_duration_seconds", "histogram").Count(("callevents_sqlite_restart_outcome", SqliteLogTelemetry.Busy)) >= 1);

        // Every write acknowledged is there, the ones that waited on a busy restart too.
        using var list = await client.GetAsync("/uapi/extensions/@me/0003*211/phoneCallEvents?count=1");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var body = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        Assert.Equal(writes, body.RootElement.GetProperty("totalResults").GetInt32());

        async Task CreateAsync() =>
            await UapiCalls.CreateAsync(client, "@me", "0003*211", url: $"https://crm.example.com/busy/{writes++}");

        // A request is good for 20 ms (WalCheckpoints.RequestLifetime): one that a slow write
        // arrived too late for has expired unused, so it is asked again, a bounded number of times.
        async Task RestartWithAWriteAsync(string outcome)
        {
            var before = outcomes.Of(outcome);
            for (var attempt = 0; attempt < 50; attempt++)
            {
                checkpoints.RequestRestart();
                await CreateAsync();
                if (outcomes.Of(outcome) > before)
                {
                    return;
                }
            }
            Assert.Fail($"no restart of the log ended {outcome} in 50 requests (restarted {outcomes.Of(SqliteLogTelemetry.Restarted)}, busy {outcomes.Of(SqliteLogTelemetry.Busy)}, failed {outcomes.Of(SqliteLogTelemetry.Failed)})");
        }
    }

    /// <summary>Another connection with a read transaction open (closed, the transaction ends).</summary>
    private static async Task<SqliteConnection> BeginReadAsync(string database)
    {
        var reader = new SqliteConnection($"Data Source={database};Pooling=False");
        await reader.OpenAsync();
        await using var read = reader.CreateCommand();
        read.CommandText = "BEGIN; SELECT count(*) FROM phone_call_events;";
        await read.ExecuteNonQueryAsync(); // steps every statement: the SELECT begins the read
        return reader;
    }
}
