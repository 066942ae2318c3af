using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CallEvents.Storage;

// Used only by `dotnet ef migrations add` (eng/add-migration.sh); no database is contacted.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCallEventsDb>
{
    public SqliteCallEventsDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<SqliteCallEventsDb>()
        .UseSqlite("Data Source=design-time.db", sqlite => sqlite.MigrationsHistoryTable(MigrationHistory.Table))
        .Options);
}
