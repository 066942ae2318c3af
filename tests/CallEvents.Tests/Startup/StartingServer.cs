using System.Diagnostics;
using System.Text.RegularExpressions;
using CallEvents.Tests.Dispatch;

namespace CallEvents.Tests.Startup;

/// <summary>
/// <c>callevents serve</c> as a child process on a fixed free port, logging every record at
/// Trace as one JSON line (so that log records and what the banner prints can be told apart),
/// with everything it prints kept, and a way to wait (bounded) for a line.
/// </summary>
public sealed partial class StartingServer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public Uri BaseAddress { get; }

    private StartingServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public static StartingServer Start(string dataDirectory, params string[] settings)
    {
        var port = ServerProcess.FreePort();
        var start = ServerProcess.Command(dataDirectory, ["serve", "--urls", $"http://127.0.0.1:{port}", .. settings]);
        // Everything, appsettings.json's quieter categories included; after Command's own level: the last one counts.
        foreach (var category in (string[])["Default", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Database.Command", "OpenIddict"])
        {
            start.ArgumentList.Add($"--Logging:LogLevel:{category}=Trace");
        }
        start.ArgumentList.Add("--Logging:Console:FormatterName=json");
        // The child's database comes from its arguments only (SQLite unless told), never from the test's environment.
        start.Environment.Remove("Database__Provider");
        start.Environment.Remove("Database__ConnectionString");
        var process = new Process { StartInfo = start };
        var server = new StartingServer(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>What the console logger wrote: one JSON object a line.</summary>
    public IEnumerable<string> LogLines => Lines.Where(l => l.StartsWith('{'));

    /// <summary>What was written to the terminal directly (the listening line, the banner).</summary>
    public IEnumerable<string> TerminalLines => Lines.Where(l => !l.StartsWith('{'));

    public string Output => string.Join('\n', Lines);

    /// <summary>Waits (bounded) until a line matching <paramref name="pattern"/> has been printed; returns it.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            foreach (var line in TerminalLines)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }
            if (_process.HasExited)
            {
                await Task.Delay(200); // the last lines may still be on their way
                return TerminalLines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success)
                    ?? throw new Xunit.Sdk.XunitException($"the server exited ({_process.ExitCode}) without printing {pattern}:\n{Output}");
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"the server did not print {pattern} within {Patience}:\n{Output}");
    }

    /// <summary>The export line of the first-run banner, e.g. <c>USER_ID</c> and <c>USER_SECRET</c>.</summary>
    public async Task<(string Id, string Secret)> ExportedAppAsync(string prefix)
    {
        var match = await WaitForLineAsync(new Regex($@"^\s*export {prefix}_ID=(\S+) {prefix}_SECRET=(\S+)$"));
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    public Task WaitUntilListeningAsync() => WaitForLineAsync(ListeningLine());

    [GeneratedRegex("^CallEvents is listening on ")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
