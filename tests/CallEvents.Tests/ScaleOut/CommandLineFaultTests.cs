namespace CallEvents.Tests.ScaleOut;

/// <summary>The command line against a PostgreSQL nobody answers for: a message and exit code 2, no stack trace.</summary>
public sealed class CommandLineFaultTests
{
    [Fact]
    public async Task ACommandAgainstAnUnreachableDatabaseSaysSoAndExitsWith2()
    {
        var port = NodeProcess.FreePort(); // nothing listens there
        var (exitCode, output, error) = await NodeProcess.RunAsync(
            Path.Combine(Path.GetTempPath(), "callevents-tests", "cli-" + Guid.NewGuid().ToString("N")),
            "apps", "add", "--account", "user-0003-ana", "--json",
            "--Database:Provider=Postgres", $"--Database:ConnectionString=Host=127.0.0.1;Port={port};Username=postgres;Timeout=5");

        Assert.Equal(2, exitCode);
        Assert.Contains("The database could not be reached", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }
}
