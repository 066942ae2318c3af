using System.Data.Common;
using System.Net.Sockets;

namespace CallEvents.Uapi;

/// <summary>Tells a database that is down (answer 503, retry later) from a bug (answer 500).</summary>
public static class DatabaseFaults
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or TimeoutException)
            {
                return true;
            }
            if (e is DbException db && (db.IsTransient || db.GetType().Name == "NpgsqlException"))
            {
                return true;
            }
        }
        return false;
    }
}
