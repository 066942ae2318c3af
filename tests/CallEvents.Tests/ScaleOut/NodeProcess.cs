using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace CallEvents.Tests.ScaleOut;

/// <summary>
/// The built <c>callevents</c> executable as a child process: a real node (<c>serve</c>) or a
/// one-shot command (<c>migrate</c>, <c>apps …</c>), sharing nothing with the test process but
/// the database it is pointed at.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    // A bound, not a timing: a start or a CLI command takes 1-2 s, but tens of seconds on a 2-core
    // machine loaded by a parallel build (seen: a demo command past 60 s at load average 60).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string Name { get; }

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The executable next to the test assembly (the project reference copies it).</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "callevents.dll");

    /// <summary>
    /// Starts <c>callevents serve</c> on a loopback port (a free one by default) and, unless told
    /// otherwise, waits until it serves (its "listening" line comes once the database is checked).
    /// <paramref name="environment"/> sets variables for it (a null value removes one), e.g. CALLEVENTS_SECRETS_KEY.
    /// </summary>
    public static async Task<NodeProcess> ServeAsync(string name, string dataDirectory, IEnumerable<string> settings, bool migrate,
        int port = 0, bool waitUntilServing = true, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Directory.CreateDirectory(dataDirectory);
        List<string> args = ["serve", "--urls", $"http://127.0.0.1:{port}", $"--DataDirectory={dataDirectory}", .. settings];
        if (migrate)
        {
            args.Add("--migrate");
        }
        var node = new NodeProcess(name, Start(args, dataDirectory, environment));
        node._process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.Exited += (_, _) => node._listening.TrySetException(
            new InvalidOperationException($"node {name} exited before serving:\n{node.Output}"));
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        if (!waitUntilServing)
        {
            node.UseAddress(new Uri($"http://127.0.0.1:{port}"));
            return node;
        }
        try
        {
            await node.WaitUntilServingAsync();
        }
        catch
        {
            // The caller never gets the node, so nobody else would kill a process that is still starting.
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>Waits (bounded) for the node's "listening" line: it has reached the database and serves.</summary>
    public async Task WaitUntilServingAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await using (timeout.Token.Register(() => _listening.TrySetException(
            new TimeoutException($"node {Name} did not serve within {StartTimeout}:\n{Output}"))))
        {
            var address = await _listening.Task;
            if (Http is null)
            {
                UseAddress(address);
            }
        }
    }

    /// <summary>Waits (bounded) for the node to exit on its own; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void UseAddress(Uri address)
    {
        BaseAddress = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Runs a one-shot command to completion; returns its exit code and standard output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string workingDirectory, params string[] args)
    {
        Directory.CreateDirectory(workingDirectory);
        using var process = Start(args, workingDirectory, environment: null);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"callevents {string.Join(' ', args)} did not finish within {StartTimeout}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs a CLI command with <c>--json</c>; fails the test unless it succeeds; returns what it printed.</summary>
    public static async Task<System.Text.Json.JsonElement> CliJsonAsync(string workingDirectory, IEnumerable<string> settings, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(workingDirectory, [.. args, "--json", .. settings]);
        Assert.True(exitCode == 0, $"callevents {string.Join(' ', args)} exited {exitCode}: {error}{output}");
        using var json = System.Text.Json.JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }

    /// <summary>A new trusted app on <paramref name="account"/>, registered by the CLI: (client id, secret).</summary>
    public static async Task<(string ClientId, string Secret)> AddAppAsync(string workingDirectory, IEnumerable<string> settings, string account)
    {
        var app = await CliJsonAsync(workingDirectory, settings, "apps", "add", "--account", account, "--trusted", "--name", "scale-out test");
        return (app.GetProperty("clientId").GetString()!, app.GetProperty("clientSecret").GetString()!);
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The node's process id (the <c>dotnet</c> host runs the server itself).</summary>
    public int ProcessId => _process.Id;

    private static Process Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Executable);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // The child reads its database from its arguments only, never from the test's environment.
        info.Environment.Remove("Database__Provider");
        info.Environment.Remove("Database__ConnectionString");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (variable, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(variable);
            }
            else
            {
                info.Environment[variable] = value;
            }
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Start();
        return process;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"CallEvents is listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>Kills the node (no graceful shutdown: this is also what a crash looks like).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await KillAsync();
        _process.Dispose();
    }
}
