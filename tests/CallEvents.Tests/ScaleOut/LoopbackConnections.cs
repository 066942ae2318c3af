using System.Globalization;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// Which process opened a loopback TCP connection, read from Linux's /proc: the socket whose
/// local port is the receiver's remote port, and the process holding that socket. It lets a
/// receiver tell which node sent a request when every node is 127.0.0.1 and says the same
/// User-Agent.
/// </summary>
public static class LoopbackConnections
{
    /// <summary>
    /// The one of <paramref name="processIds"/> holding the connection from
    /// 127.0.0.1:<paramref name="clientPort"/> to :<paramref name="serverPort"/>, or null.
    /// Call it while the connection is open.
    /// </summary>
    public static int? OwnerOf(int clientPort, int serverPort, IEnumerable<int> processIds)
    {
        var pids = processIds.ToList();
        // A descriptor that closes while /proc is read (the node opens and closes sockets and
        // files all the time) must not make the connection look like nobody's: read again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (FindOwner(clientPort, serverPort, pids) is { } owner)
            {
                return owner;
            }
        }
        return null;
    }

    private static int? FindOwner(int clientPort, int serverPort, List<int> processIds)
    {
        var inode = SocketInode(clientPort, serverPort);
        if (inode is null)
        {
            return null;
        }
        var target = $"socket:[{inode}]";
        foreach (var pid in processIds)
        {
            string[] descriptors;
            try
            {
                descriptors = Directory.GetFileSystemEntries($"/proc/{pid}/fd");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // the process is gone
            }
            foreach (var fd in descriptors)
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget == target)
                    {
                        return pid;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // this descriptor closed while it was read: the others still count
                }
            }
        }
        return null;
    }

    // /proc/net/tcp: "sl local_address rem_address st … uid timeout inode", addresses as HEXIP:HEXPORT.
    private static string? SocketInode(int localPort, int remotePort)
    {
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 9 && Port(fields[1]) == localPort && Port(fields[2]) == remotePort)
            {
                return fields[9];
            }
        }
        return null;
    }

    private static int Port(string address) => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>A PostgreSQL test that tells nodes apart through /proc: it needs Linux too.</summary>
public sealed class PostgresOnLinuxFactAttribute : FactAttribute
{
    public PostgresOnLinuxFactAttribute()
    {
        if (TestDatabase.PostgresServer is null)
        {
            Skip = $"needs PostgreSQL: set {TestDatabase.PostgresVariable} to a server connection string (.ci/run does)";
        }
        else if (!OperatingSystem.IsLinux())
        {
            Skip = "tells the nodes' requests apart through /proc/net/tcp: Linux only";
        }
    }
}
