using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CallEvents.Storage;

/// <summary>
/// Per-connection SQLite settings. WAL is a property of the file (set once at migration time);
/// synchronous is per connection and decides what an acknowledgement means: NORMAL survives a
/// process crash, FULL also a power loss.
/// </summary>
internal sealed class SqlitePragmas(Durability durability) : DbConnectionInterceptor
{
    private readonly string _pragmas = durability == Durability.Full
        ? "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
        : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
