using System.Diagnostics;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// A PostgreSQL server of the test's own (initdb + pg_ctl in a temp directory, loopback only,
/// trust auth), so that a test can stop and restart it under a running node without disturbing
/// the server every other test uses. Run as the <c>postgres</c> user when the tests run as root,
/// since PostgreSQL refuses root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private PostgresCluster(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>Where initdb and pg_ctl are, or null: CALLEVENTS_PG_BIN, then the usual places.</summary>
    public static string? BinDirectory { get; } = FindBinaries();

    /// <summary>
    /// A new cluster on a free loopback port: fixed ports collide with whatever else runs on the
    /// machine (another test run, a developer's own server), so each start asks the OS for one
    /// and tries again with another if the server still could not bind it.
    /// </summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(FreePort());
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<PostgresCluster> StartAsync(int port)
    {
        var bin = BinDirectory ?? throw new InvalidOperationException("PostgreSQL binaries (initdb, pg_ctl) not found.");
        var directory = Path.Combine(Path.GetTempPath(), "callevents-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", "postgres", directory);
        }
        var cluster = new PostgresCluster(directory, port);
        await RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        try
        {
            await cluster.StartServerAsync();
        }
        catch (InvalidOperationException)
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return cluster;
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    public Task StartServerAsync() => RunAsPostgresAsync(Path.Combine(BinDirectory!, "pg_ctl"), "-D", DataDirectory,
        "-l", Path.Combine(_directory, "server.log"), "-w",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory} -c fsync=off", "start");

    /// <summary>Stops the server: <c>fast</c> ends every session at once (what a crash looks like to clients).</summary>
    public Task StopServerAsync() => RunAsPostgresAsync(Path.Combine(BinDirectory!, "pg_ctl"), "-D", DataDirectory, "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // the OS cleans the temp directory
        }
    }

    private static string? FindBinaries()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("CALLEVENTS_PG_BIN"), "/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin"];
        return candidates.FirstOrDefault(d => d is { Length: > 0 }
            && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    private static Task RunAsPostgresAsync(string file, params string[] args) =>
        Environment.IsPrivilegedProcess ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await error}{await output}");
        }
    }
}
