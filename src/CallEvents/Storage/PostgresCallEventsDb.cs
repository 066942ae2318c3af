using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

/// <summary>The PostgreSQL flavour of the model; owns Storage/Migrations/Postgres.</summary>
public sealed class PostgresCallEventsDb(DbContextOptions<PostgresCallEventsDb> options) : CallEventsDb(options);
