using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

/// <summary>The SQLite flavour of the model; owns Storage/Migrations/Sqlite.</summary>
public sealed class SqliteCallEventsDb(DbContextOptions<SqliteCallEventsDb> options) : CallEventsDb(options);
