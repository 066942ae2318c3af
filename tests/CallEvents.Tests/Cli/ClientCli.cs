namespace CallEvents.Tests.Cli;

/// <summary>
/// The built <c>callevents</c> as a developer's HTTP client: a child process with a home and a
/// config directory of its own (so a profile is the test's alone) and none of the CALLEVENTS_*
/// variables of the machine, only those the test sets.
/// </summary>
public sealed class ClientCli
{
    public string Home { get; } = Cli.NewDataDirectory();

    public string ConfigHome => Path.Combine(Home, "config");

    public string ProfilePath => Path.Combine(ConfigHome, "callevents", "profile.json");

    public Dictionary<string, string?> Environment { get; } = new()
    {
        ["CALLEVENTS_SERVER"] = null,
        ["CALLEVENTS_CLIENT_ID"] = null,
        ["CALLEVENTS_CLIENT_SECRET"] = null,
    };

    public ClientCli()
    {
        Environment["HOME"] = Home;
        Environment["XDG_CONFIG_HOME"] = ConfigHome;
    }

    public Task<CliResult> RunAsync(params string[] args) => Cli.RunProcessAsync(Home, args, Environment);

    /// <summary>Runs and insists on exit code 0.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"callevents {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Stderr}\n{result.Stdout}");
        return result.Stdout;
    }

    /// <summary>A failure as the CLI must report it: the exit code, one line on stderr, nothing on stdout, no stack trace.</summary>
    public static string AssertOneLineFailure(CliResult result, int exitCode)
    {
        Assert.True(result.ExitCode == exitCode, $"exit {result.ExitCode}, not {exitCode}\n{result.Stderr}\n{result.Stdout}");
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, "not one line:\n" + result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout.Trim());
        return lines[0];
    }
}
