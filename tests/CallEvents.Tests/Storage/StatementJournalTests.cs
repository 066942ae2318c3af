using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Storage;

/// <summary>
/// Where SQLite keeps its temporary files (statement journals among them): in memory on EF Core's
/// connections and on PreparedSql's writer, which run multi-row statements in transactions (the
/// intake's and the recorder's: a spilled statement journal was more pwrite per delivery than the
/// WAL), the default (a file) on PreparedSql's readers.
/// </summary>
public sealed class StatementJournalTests
{
    [SqliteFact]
    public async Task EfCoresConnectionsKeepTemporaryFilesInMemoryAndPreparedSqlsKeepTheDefault()
    {
        await using var host = await CallEventsHost.StartAsync();

        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            // EF Core's writes run in transactions on the context's connection.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = "PRAGMA temp_store";
            Assert.Equal(2L, await command.ExecuteScalarAsync()); // MEMORY
        }

        var prepared = host.Services.GetRequiredService<PreparedSql>();
        await using var lease = await prepared.OpenAsync(CancellationToken.None);
        Assert.Equal(0L, await lease.Command("PRAGMA temp_store").ExecuteScalarAsync()); // DEFAULT: a file
    }

    [SqliteFact]
    public async Task TheWritersConnectionKeepsTemporaryFilesInMemory()
    {
        await using var host = await CallEventsHost.StartAsync();

        var writes = host.Services.GetRequiredService<WriteBatches>();
        Assert.Equal(2L, await writes.RunAsync(lease => lease.Command("PRAGMA temp_store").ExecuteScalarAsync())); // MEMORY
    }
}
