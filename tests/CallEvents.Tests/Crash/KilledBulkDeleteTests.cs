using System.Net;
using System.Net.Sockets;
using System.Text;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;
using Xunit.Abstractions;

namespace CallEvents.Tests.Crash;

/// <summary>
/// A bulk delete is one statement in one transaction: a server process SIGKILLed while it runs
/// leaves, after the restart, either every one of the extension's 100,000 events or none, with
/// the event count equal to the rows, and the server serves normally again. The kill
/// comes after the request has gone out and before its answer, at a delay that is moved between
/// rounds until at least one kill has landed inside the delete: after it began (the server
/// process had read megabytes, the pages of the rows it deletes, or written them, into the WAL;
/// on PostgreSQL, the statement was active) or after it committed but before the answer arrived.
/// Since the bulk delete's batch has a wide writer cache (bench/README.md, Bulk delete (session
/// 13)) SQLite writes nothing until the commit, so the reads are what shows it running.
/// </summary>
public sealed class KilledBulkDeleteTests(ITestOutputHelper output)
{
    private const int Events = 100_000;
    private const string Extension = "0003*210";
    private const string Bystander = "0003*211";
    private const int Bystanders = 3;
    private const int MinRounds = 3;
    private const int MaxRounds = 6;

    /// <summary>The process had read or written this much since the request went out (the rows' pages from the database file; the WAL): the delete was running.</summary>
    private const long MovedWhileDeleting = 1 << 20;

    private static readonly string[] Settings = ["--PhoneCallEvents:MaxPerExtension=100000"];

    private enum Landed
    {
        /// <summary>Killed before the delete began: nothing changed.</summary>
        Before,

        /// <summary>Killed while the delete ran, or after its commit and before the answer.</summary>
        Inside,

        /// <summary>The answer had begun to arrive: the delete was committed.</summary>
        After,
    }

    private sealed record Round(int Number, string Path, int DelayMs, bool Answered, string StatusLine, bool Began, string Seen);

    [Fact]
    public async Task AKilledBulkDeleteOfAHundredThousandEventsIsAllOrNothingAfterRestart()
    {
        await using var database = CrashDatabase.Sqlite();
        await RunAsync(database);
    }

    [PostgresFact]
    public async Task AKilledBulkDeleteOfAHundredThousandEventsOnPostgresIsAllOrNothingAfterRestart()
    {
        await using var database = CrashDatabase.Postgres();
        await RunAsync(database);
    }

    private async Task RunAsync(CrashDatabase database)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var apps = await database.CreateDemoAsync();
        var user = apps.GetProperty("user");
        var (clientId, secret) = (user.GetProperty("clientId").GetString()!, user.GetProperty("clientSecret").GetString()!);
        await SeedAsync(database, Extension, Events, "bulk");
        await SeedAsync(database, Bystander, Bystanders, "stay");

        var random = new Random();
        var (low, high) = (0, (int?)null);
        var delay = random.Next(150, 400);
        var landed = new List<(Round Round, Landed Landed, long Rows)>();
        Round? previous = null;
        for (var number = 1; ; number++)
        {
            await using var server = await database.ServeAsync(Settings);
            using var client = TwoNodesFixture.ClientWith(server, await TwoNodesFixture.TokenAsync(server, clientId, secret));
            if (previous is not null)
            {
                var rows = await AssertAllOrNothingAsync(database, client);
                var where = previous.Answered ? Landed.After : rows == 0 || previous.Began ? Landed.Inside : Landed.Before;
                Assert.True(!previous.Answered || (rows == 0 && previous.StatusLine.StartsWith("HTTP/1.1 200", StringComparison.Ordinal)),
                    $"round {previous.Number}: the answer '{previous.StatusLine}' had begun before the kill, yet {rows} events are left");
                landed.Add((previous, where, rows));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s, round {previous.Number}: {previous.Path}, killed {previous.DelayMs} ms after the request was sent "
                    + $"({(previous.Answered ? "answer begun: " + previous.StatusLine : "no answer")}, delete "
                    + $"{(previous.Began ? "had begun" : "not seen running")}: {previous.Seen}) → {rows:N0} events left: {where}");
                // Too early: later next time; too late: earlier; inside: another delay in the same range.
                (low, high) = where switch
                {
                    Landed.Before => (Math.Max(low, previous.DelayMs), high),
                    Landed.After => (low, Math.Min(high ?? int.MaxValue, previous.DelayMs)),
                    _ => (low, high),
                };
                delay = where == Landed.Before && high is null ? Math.Max(100, previous.DelayMs * 2) : random.Next(low, Math.Max(low, high ?? previous.DelayMs * 2) + 1);
                if (rows == 0)
                {
                    await SeedAsync(database, Extension, Events, "bulk");
                }
            }
            if (number > MaxRounds || (landed.Count >= MinRounds && landed.Any(l => l.Landed == Landed.Inside)))
            {
                await AssertServesNormallyAsync(database, client);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: served normally after the crashes");
                break;
            }
            previous = await KillDuringDeleteAsync(database, server, client, number, delay);
        }
        Assert.True(landed.Any(l => l.Landed == Landed.Inside),
            $"no kill landed inside the delete in {landed.Count} rounds (delays {string.Join(", ", landed.Select(l => l.Round.DelayMs))} ms)");
    }

    /// <summary>
    /// Sends the DELETE on a raw socket (so that "sent" is known), waits <paramref name="delayMs"/>,
    /// notes whether its answer had begun and whether the delete had begun, and SIGKILLs the server.
    /// </summary>
    private static async Task<Round> KillDuringDeleteAsync(CrashDatabase database, NodeProcess server, HttpClient client, int number, int delayMs)
    {
        // Every path the delete takes once before (a delete by a type with no events: 204), so that
        // the kill meets the delete itself rather than the JIT compiler.
        using (var warm = await client.DeleteAsync(UapiCalls.Events("@me", Extension, "3")))
        {
            Assert.Equal(HttpStatusCode.NoContent, warm.StatusCode);
        }
        var path = UapiCalls.Events("@me", Extension, number % 2 == 0 ? "2" : null);
        var token = client.DefaultRequestHeaders.Authorization!.Parameter;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        var (read, written) = IoBytes(server.ProcessId);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"DELETE {path} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\n\r\n"));
        var answer = new byte[64];
        var received = socket.ReceiveAsync(answer.AsMemory()).AsTask();

        await Task.Delay(delayMs);
        var answered = received.IsCompletedSuccessfully && received.Result > 0;
        var (readNow, writtenNow) = IoBytes(server.ProcessId);
        var (reads, writes) = (readNow - read, writtenNow - written);
        var began = database.IsPostgres ? await DeleteActiveAsync(database) : reads >= MovedWhileDeleting || writes >= MovedWhileDeleting;
        await server.KillAsync();
        var statusLine = answered ? Encoding.ASCII.GetString(answer, 0, received.Result).Split("\r\n")[0] : "";
        if (database.IsPostgres)
        {
            await WaitUntilNoDeleteActiveAsync(database);
        }
        var seen = database.IsPostgres ? $"DELETE {(began ? "" : "not ")}active in pg_stat_activity" : $"{reads:N0} bytes read and {writes:N0} written meanwhile";
        return new Round(number, path, delayMs, answered, statusLine, began, seen);
    }

    /// <summary>All or nothing, read from the database itself and from the API; the rows left.</summary>
    private static async Task<long> AssertAllOrNothingAsync(CrashDatabase database, HttpClient client)
    {
        var rows = await database.ScalarAsync(RowsSql(Extension));
        Assert.True(rows is 0 or Events, $"{rows} of {Events} events are left: a partial delete");
        Assert.Equal(rows, await database.ScalarAsync(CountSql(database, Extension)));
        Assert.Equal(rows, await TotalResultsAsync(client, Extension));
        Assert.Equal(Bystanders, await database.ScalarAsync(RowsSql(Bystander)));
        Assert.Equal(Bystanders, await database.ScalarAsync(CountSql(database, Bystander)));
        if (!database.IsPostgres)
        {
            Assert.Equal("ok", (await database.RowsAsync("PRAGMA integrity_check"))[0][0]);
        }
        return rows;
    }

    /// <summary>After the crashes: a bulk delete runs to its answer, and creating and listing work.</summary>
    private static async Task AssertServesNormallyAsync(CrashDatabase database, HttpClient client)
    {
        using (var delete = await client.DeleteAsync(UapiCalls.Events("@me", Extension)))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
            Assert.Equal(Events, (await UapiCalls.IdsAsync(delete)).Count);
        }
        Assert.Equal(0, await database.ScalarAsync(RowsSql(Extension)));
        Assert.Equal(0, await database.ScalarAsync(CountSql(database, Extension)));
        var id = await UapiCalls.CreateAsync(client, "@me", Extension);
        using var listed = await client.GetAsync(UapiCalls.Events("@me", Extension));
        Assert.Equal([id], await UapiCalls.IdsAsync(listed));
        Assert.Equal(1, await database.ScalarAsync(CountSql(database, Extension)));
    }

    /// <summary>
    /// Rows straight into the database, one statement (one transaction): the API would take
    /// minutes for 100,000. The triggers keep event_count, as for any writer.
    /// </summary>
    private static async Task SeedAsync(CrashDatabase database, string extension, int count, string prefix)
    {
        var sql = database.IsPostgres
            ? $"""
              INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
              SELECT '{prefix}' || lpad(i::text, 26, '0'), (SELECT id FROM extensions WHERE number = '{extension}'), 2, 1,
                     'https://crm.example.com/bulk/' || i, 1, NULL, NULL, '2026-11-29T10:00:00+00:00'
              FROM generate_series(0, {count - 1}) AS i
              """
            : $"""
              WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count - 1})
              INSERT INTO phone_call_events (id, extension_id, type, method, url, status, note, app_client_id, modified)
              SELECT printf('{prefix}%026d', i), (SELECT id FROM extensions WHERE number = '{extension}'), 2, 1,
                     'https://crm.example.com/bulk/' || i, 1, NULL, NULL, '2026-11-29T10:00:00+00:00'
              FROM n
              """;
        await database.ExecuteAsync(sql);
    }

    private static string RowsSql(string extension) =>
        $"SELECT count(*) FROM phone_call_events WHERE extension_id = (SELECT id FROM extensions WHERE number = '{extension}')";

    /// <summary>The extension's event count as the server reads it (Storage/EventCountTriggers.cs).</summary>
    private static string CountSql(CrashDatabase database, string extension) =>
        $"SELECT {EventCountTriggers.CountSql("e", database.IsPostgres)} FROM extensions e WHERE e.number = '{extension}'";

    private static async Task<long> TotalResultsAsync(HttpClient client, string extension)
    {
        using var response = await client.GetAsync(UapiCalls.Events("@me", extension) + "?count=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await UapiCalls.ReadJsonAsync(response)).GetProperty("totalResults").GetInt64();
    }

    /// <summary>Bytes the process has read and written with read(2), write(2) and friends (Linux: /proc/&lt;pid&gt;/io), 0 where unknown.</summary>
    private static (long Read, long Written) IoBytes(int processId)
    {
        var io = $"/proc/{processId}/io";
        if (!File.Exists(io))
        {
            return (0, 0);
        }
        var lines = File.ReadAllLines(io);
        return (Field(lines, "rchar:"), Field(lines, "wchar:"));

        static long Field(string[] lines, string name) =>
            lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
                ? long.Parse(line[name.Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)
                : 0;
    }

    private const string ActiveDeleteSql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'DELETE FROM phone_call_events%'";

    private static async Task<bool> DeleteActiveAsync(CrashDatabase database) => await database.ScalarAsync(ActiveDeleteSql) > 0;

    /// <summary>
    /// A PostgreSQL backend runs its statement on after its client died (it learns of it when it
    /// sends the rows): what is left is read only once it is done with it.
    /// </summary>
    private static async Task WaitUntilNoDeleteActiveAsync(CrashDatabase database)
    {
        for (var i = 0; i < 600 && await DeleteActiveAsync(database); i++)
        {
            await Task.Delay(100);
        }
        Assert.False(await DeleteActiveAsync(database), "the killed server's delete was still running on PostgreSQL after 60 s");
    }
}
