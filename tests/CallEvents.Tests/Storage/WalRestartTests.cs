using System.Net;
using CallEvents.Storage.Sqlite;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// After a burst has grown the SQLite write-ahead log, the request that restarts it must not pay
/// for cutting the whole file back (Storage/Sqlite/WalCheckpoints.cs): cutting 0.5–1 GB inside the
/// writer's commit was the half-second "fixed wait" of the bench's bulk delete (bench/README.md).
/// Sizes, not times: each restart cuts at most one step, and the file still comes back down.
/// </summary>
public sealed class WalRestartTests
{
    [SqliteFact]
    public async Task EachWriteThatRestartsALargeLogCutsItsFileByAtMostOneStepUntilItIsBackTo64MiB()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var client = host.ClientWith(await host.TokenAsync(a => a.User));
        var checkpoints = host.Services.GetRequiredService<WalCheckpoints>();
        var database = Path.Combine(host.DataDirectory, "callevents.db");
        var log = new FileInfo(database + "-wal");
        await UapiCalls.CreateAsync(client, "@me", "0003*211", url: "https://crm.example.com/first");

        // The burst, from another connection: one transaction of about 100 MiB of log (rows of one
        // page each), which nothing can restart until it has been written and checkpointed.
        await using (var burst = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await burst.OpenAsync();
            await Execute(burst, "PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE");
            await using var insert = burst.CreateCommand();
            insert.CommandText = """
                INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, modified)
                SELECT $id, id, 0, 1, 'https://crm.example.com/burst', 1, $note, '2026-12-01T12:00:00+00:00'
                FROM extensions WHERE number = '0004*210'
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            insert.Parameters.AddWithValue("$note", new string('n', 3500));
            for (var i = 0; i < 25_000; i++)
            {
                id.Value = $"burst{i:D25}";
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }
            await Execute(burst, "COMMIT");
        }
        log.Refresh();
        Assert.True(log.Length > WalCheckpoints.LogSizeLimit + WalCheckpoints.ShrinkStep, $"the burst left a log of only {log.Length:N0} bytes");

        var writes = 0;
        while (true)
        {
            await WaitUntilCheckpointedAsync(database, checkpoints, log);
            var before = log.Length;
            await UapiCalls.CreateAsync(client, "@me", "0003*211", url: $"https://crm.example.com/after/{writes}");
            log.Refresh();
            // Never more than one step at once. A write may also not restart the log at all and
            // append its few frames instead: SQLite gives the restart up when a reader or the
            // background checkpoint holds a read lock at that moment; the next write restarts it.
            Assert.True(log.Length >= before - WalCheckpoints.ShrinkStep, $"one write cut the log from {before:N0} to {log.Length:N0} bytes");
            if (log.Length <= WalCheckpoints.LogSizeLimit)
            {
                break;
            }
            Assert.True(++writes < 40, $"the log is still {log.Length:N0} bytes after {writes} writes");
        }
        Assert.Equal(WalCheckpoints.LogSizeLimit, log.Length);

        using var list = await client.GetAsync("/uapi/extensions/@me/0003*211/phoneCallEvents?count=100");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(writes + 2, (await UapiCalls.IdsAsync(list)).Count);
    }

    /// <summary>
    /// Bounded (10 s): until every frame of the log is in the database file (so the next write
    /// transaction restarts the log) and the server's loop has given its writer the limit for the
    /// file as it is now.
    /// </summary>
    private static async Task WaitUntilCheckpointedAsync(string database, WalCheckpoints checkpoints, FileInfo log)
    {
        for (var i = 0; i < 100; i++)
        {
            await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var result = await checkpoint.ExecuteReaderAsync();
            await result.ReadAsync();
            log.Refresh();
            if (result.GetInt64(1) == result.GetInt64(2) && checkpoints.WriterLogLimit == WalCheckpoints.LimitFor(log.Length))
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("the log was not checkpointed within 10 s");
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
