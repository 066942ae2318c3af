using System.Net;
using CallEvents.Tests.Infrastructure;
using Npgsql;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// The database ends every session of a serving node (<c>pg_terminate_backend</c>, what a
/// failover or an administrator does): the node's pooled connections are dead, and it must
/// answer 503 at worst and serve again by itself, with nothing acknowledged lost.
/// </summary>
public sealed class SessionDropTests
{
    [PostgresFact]
    public async Task ANodeWhoseSessionsAreTerminatedAnswers503AtWorstAndServesAgain()
    {
        var database = "callevents_drop_" + Guid.NewGuid().ToString("N");
        var connectionString = TestDatabase.CreateDatabase(database);
        try
        {
            await using var host = await CallEventsHost.StartAsync(["Database:Provider=Postgres", $"Database:ConnectionString={connectionString}"]);
            using var client = host.ClientWith(await host.TokenAsync(a => a.User));
            var before = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                before.Add(await CreateAsync(client, "@me", "0003*210", type: i));
            }

            Assert.True(await TerminateSessionsAsync(database) > 0, "the node held no session to end");

            var answers = new List<HttpStatusCode>();
            for (var attempt = 0; attempt < 20 && answers.LastOrDefault() != HttpStatusCode.OK; attempt++)
            {
                using var response = await client.GetAsync(Events("@me", "0003*210") + "?count=5000");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                    Assert.NotNull(response.Headers.RetryAfter);
                }
                answers.Add(response.StatusCode);
            }
            Assert.Equal(HttpStatusCode.OK, answers.Last());

            var after = await CreateAsync(client, "@me", "0003*210", type: 0);
            using var listed = await client.GetAsync(Events("@me", "0003*210") + "?count=5000");
            var ids = await IdsAsync(listed);
            Assert.All(before.Append(after), id => Assert.Contains(id, ids));
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(database);
        }
    }

    private static async Task<int> TerminateSessionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.PostgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("database", database);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
