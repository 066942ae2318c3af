using CallEvents.Dispatch.Queue;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

/// <summary>The PostgreSQL flavour of the model; owns Storage/Migrations/Postgres.</summary>
public sealed class PostgresCallEventsDb(DbContextOptions<PostgresCallEventsDb> options) : CallEventsDb(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // A claim writes only the lease (lease_owner, leased_until: in no index), so it can be a
        // HOT update, with no new index entry, if the row's page has room for its new version.
        // Full pages made 92 % of the claims write an entry in all four indexes; half-full pages
        // make every claim HOT and cut the database's CPU per delivery (bench/README.md,
        // Deliveries on PostgreSQL, sessions 6 and 7). Only pages written from now on keep the room.
        modelBuilder.Entity<Delivery>().HasStorageParameter("fillfactor", 50);
    }
}
