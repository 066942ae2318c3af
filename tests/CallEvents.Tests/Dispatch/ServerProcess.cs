using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CallEvents.Tests.Dispatch;

/// <summary>The built <c>callevents</c> executable as a separate process, so that a test can SIGKILL it.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    public Uri BaseAddress { get; }

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public static ProcessStartInfo Command(string dataDirectory, params string[] args)
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "callevents.exe" : "callevents");
        var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "callevents.dll") } };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add($"--DataDirectory={dataDirectory}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.WorkingDirectory = dataDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    /// <summary>Runs <c>callevents demo --json</c> and returns what it printed as JSON.</summary>
    public static async Task<JsonElement> DemoAsync(string dataDirectory)
    {
        using var process = Process.Start(Command(dataDirectory, "demo", "--json"))!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').First(l => l.StartsWith('{'));
        using var json = JsonDocument.Parse(line);
        return json.RootElement.Clone();
    }

    public static async Task<ServerProcess> StartAsync(string dataDirectory, int port, params string[] settings)
    {
        var process = Process.Start(Command(dataDirectory, ["serve", "--urls", $"http://127.0.0.1:{port}", .. settings]))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        // Up to 3 minutes: a start takes about a second, but far longer on a heavily loaded machine.
        for (var i = 0; i < 1800; i++)
        {
            try
            {
                using var health = await http.GetAsync("/health");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (process.HasExited)
            {
                break;
            }
            await Task.Delay(100);
        }
        server.Dispose();
        throw new Xunit.Sdk.XunitException("the server process did not start");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL: no shutdown, no flushing, as in a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
