using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace CallEvents.Storage;

/// <summary>
/// Tells a database that is down, restarting or overloaded (answer 503 with Retry-After: the
/// same request will work later, on this node or another) from a bug (answer 500).
/// </summary>
public static class DatabaseFaults
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException or TimeoutException or EndOfStreamException:
                    return true;
                case PostgresException postgres:
                    return postgres.IsTransient || IsUnavailableState(postgres.SqlState);
                case NpgsqlException:
                    // Not an error the server sent, so the connection itself failed: refused,
                    // reset, or cut mid-request when the server went down.
                    return true;
                case DbException { IsTransient: true }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Server-sent states that mean "not now": 08 connection exceptions, 53 insufficient
    /// resources (e.g. too many connections), 57P01–57P03 shutting down, crashed or starting up.
    /// </summary>
    private static bool IsUnavailableState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal)
        || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
}
