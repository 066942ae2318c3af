using CallEvents.Tests.Infrastructure;

using static CallEvents.Tests.Infrastructure.UapiCalls;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// One process may hold a SQLite host and a PostgreSQL host at once (the suite's PostgreSQL pass
/// does): nothing process-wide, such as a compiled query bound to one provider's model, may
/// break the other.
/// </summary>
public sealed class ProvidersSideBySideTests
{
    [PostgresFact]
    public async Task ASqliteHostAndAPostgresHostInOneProcessBothServe()
    {
        var database = "callevents_side_" + Guid.NewGuid().ToString("N");
        var connectionString = TestDatabase.CreateDatabase(database);
        try
        {
            await using var sqlite = await CallEventsHost.StartAsync(["Database:Provider=Sqlite", "Database:ConnectionString="]);
            await using var postgres = await CallEventsHost.StartAsync(["Database:Provider=Postgres", $"Database:ConnectionString={connectionString}"]);
            foreach (var host in new[] { sqlite, postgres, sqlite, postgres })
            {
                using var client = host.ClientWith(await host.TokenAsync(a => a.User));
                var id = await CreateAsync(client, "@me", "0003*210");
                using var listed = await client.GetAsync(Events("@me", "0003*210") + "?count=5000");
                Assert.Contains(id, await IdsAsync(listed));
            }
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(database);
        }
    }
}
