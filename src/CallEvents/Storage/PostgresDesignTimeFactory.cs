using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CallEvents.Storage;

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCallEventsDb>
{
    public PostgresCallEventsDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<PostgresCallEventsDb>()
        .UseNpgsql("Host=localhost;Database=design_time", npgsql => npgsql.MigrationsHistoryTable(MigrationHistory.Table))
        .Options);
}
