using CallEvents.Tests.Infrastructure;
using Npgsql;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The delivery queue's table on PostgreSQL, as the real migrations leave it: what makes its
/// claims cheap there (bench/README.md, Deliveries on PostgreSQL (session 7)).
/// </summary>
public sealed class PostgresQueueTableTests
{
    [PostgresFact]
    public async Task TheQueueTableLeavesHalfOfEachPageFreeSoThatAClaimsNewRowVersionFitsBesideTheOld()
    {
        // A claim changes only the lease, which no index holds: with room on the row's page it is
        // a HOT update and writes no index entry. With full pages (fillfactor 100) nearly every
        // claim wrote an entry in each of the table's indexes.
        var database = "callevents_queue_" + Guid.NewGuid().ToString("N");
        var connectionString = TestDatabase.CreateDatabase(database);
        try
        {
            await using (await CallEventsHost.StartAsync(["Database:Provider=Postgres", $"Database:ConnectionString={connectionString}"]))
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT reloptions FROM pg_class WHERE oid = 'deliveries'::regclass", connection);
                var options = Assert.IsType<string[]>(await command.ExecuteScalarAsync());
                Assert.Equal(["fillfactor=50"], options);
            }
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(database);
        }
    }
}
