using CallEvents.Hosting.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallEvents.Tests.Hosting;

/// <summary>
/// A setting with a bad value stops the server at start with one line naming the key and what is
/// wrong (Hosting/Settings), never at the first request that reads it, never with a stack trace.
/// </summary>
public sealed class SettingsValidationTests
{
    public static TheoryData<string, string> BadSettings() => new()
    {
        // setting, the problem reported
        { "Delivery:MaxConcurrency=0", "Delivery:MaxConcurrency must be 1 or more; it is 0." },
        { "Delivery:RetrySchedule:1=soon", "Delivery:RetrySchedule:1 is 'soon', which is not a length of time ([d.]hh:mm:ss[.fff])." },
        { "Delivery:RetrySchedule:0=-00:00:05", "Delivery:RetrySchedule:0 must not be negative; it is -00:00:05." },
        { "Delivery:AllowedNetworks=127.0.0.0/8", "Delivery:AllowedNetworks is a list: give its items as Delivery:AllowedNetworks:0, Delivery:AllowedNetworks:1, … (environment: Delivery__AllowedNetworks__0, …)." },
        { "Delivery:AllowedNetworks:0=127.0.0.0/33", "Delivery:AllowedNetworks:0 must be a network in CIDR notation (127.0.0.0/8, fd00::/8); it is 127.0.0.0/33." },
        { "Delivery:PurgeInterval=60.00:00:00", "Delivery:PurgeInterval must be more than 00:00:00 and at most 49.00:00:00; it is 60.00:00:00." },
        { "Delivery:RetryJitter=1.5", "Delivery:RetryJitter must be between 0 and 1; it is 1.5." },
        { "Hosting:TrustedProxies:0=proxy.example.com", "Hosting:TrustedProxies:0 must be a network in CIDR notation (127.0.0.0/8, fd00::/8); it is proxy.example.com." },
        { "Metrics:AllowedNetworks:0=10.0.0.0/40", "Metrics:AllowedNetworks:0 must be a network in CIDR notation (127.0.0.0/8, fd00::/8); it is 10.0.0.0/40." },
        { "Database:Provider=Oracle", "Database:Provider is 'Oracle', which is not one of Sqlite, Postgres." },
        { "Database:Durability=7", "Database:Durability is '7', which is not one of Process, Full." },
        { "Database:GroupCommit=yes", "Database:GroupCommit is 'yes', which is not true or false." },
        { "Database:StartupWaitSeconds=-1", "Database:StartupWaitSeconds must be 0 or more; it is -1." },
        { "Database:Provider=Postgres", "Database:ConnectionString is required when Database:Provider is Postgres." },
        { "OAuth:Issuer=callevents", "OAuth:Issuer must be an absolute URL, such as https://callevents.invalid/; it is 'callevents'." },
        { "OAuth:ValidatedTokenCacheSeconds=-1", "OAuth:ValidatedTokenCacheSeconds must be between 0 and 3600; it is -1." },
        { "RateLimiting:PermitLimit=-5", "RateLimiting:PermitLimit must be 0 or more; it is -5." },
        { "RateLimiting:Window=00:00:00", "RateLimiting:Window must be more than 00:00:00; it is 00:00:00." },
        { "PhoneCallEvents:MaxPerExtension=0", "PhoneCallEvents:MaxPerExtension must be between 1 and 100000; it is 0." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task ABadValueStopsTheStartWithOneProblemNamingItsKey(string setting, string problem)
    {
        Assert.Equal([problem], await ProblemsAtStartAsync(setting));
    }

    [Fact]
    public async Task EveryBadValueOfTheGroupsCheckedAtStartIsReportedAtOnce()
    {
        var problems = await ProblemsAtStartAsync("PhoneCallEvents:MaxPerExtension=0", "RateLimiting:Window=-00:00:01", "OAuth:Issuer=/relative");
        Assert.Equal(
            ["OAuth:Issuer must be an absolute URL, such as https://callevents.invalid/; it is '/relative'.",
             "PhoneCallEvents:MaxPerExtension must be between 1 and 100000; it is 0.",
             "RateLimiting:Window must be more than 00:00:00; it is -00:00:01."],
            problems.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ADataDirectoryThatIsAFileIsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            Assert.Equal([$"DataDirectory must be a directory; '{file}' is a file."], await ProblemsAtStartAsync($"DataDirectory={file}"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--Delivery:PollInterval=00:00:00", "Invalid setting: Delivery:PollInterval must be more than 00:00:00 and at most 49.00:00:00; it is 00:00:00.")]
    [InlineData("--Database:Provider=Oracle", "Invalid setting: Database:Provider is 'Oracle', which is not one of Sqlite, Postgres.")]
    public async Task ServeWithABadSettingPrintsOneLineAndExitsWith2(string setting, string line)
    {
        var data = Cli.Cli.NewDataDirectory();
        var result = await Cli.Cli.RunAsync(data, "serve", "--urls=http://127.0.0.1:0", setting);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(line, result.Stderr.Trim());
        Assert.DoesNotContain("listening", result.Stdout, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    [Theory]
    [InlineData("--Metrics:AllowedNetworks:0=10.0.0.0/40", "Invalid setting: Metrics:AllowedNetworks:0 must be a network in CIDR notation (127.0.0.0/8, fd00::/8); it is 10.0.0.0/40.")]
    [InlineData("--RateLimiting:PermitLimit=-5", "Invalid setting: RateLimiting:PermitLimit must be 0 or more; it is -5.")]
    [InlineData("--Hosting:TrustedProxies:0=proxy.example.com", "Invalid setting: Hosting:TrustedProxies:0 must be a network in CIDR notation (127.0.0.0/8, fd00::/8); it is proxy.example.com.")]
    public async Task ACommandThatDoesNotServeRefusesABadValueOfASettingOnlyServeReads(string setting, string line)
    {
        var data = Cli.Cli.NewDataDirectory();
        var result = await Cli.Cli.RunAsync(data, "apps", "add", "--account", "admin", setting);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(line, result.Stderr.Trim());
        Assert.Equal("", result.Stdout.Trim());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public void TheHostOfACommandThatDoesNotServeChecksEveryGroupTheServerChecks()
    {
        var data = Cli.Cli.NewDataDirectory();
        string[] args = [$"--DataDirectory={data}", "--Database:Provider=Sqlite"];
        try
        {
            var server = CheckedGroups(Program.CreateBuilder(args).Services);
            var command = CheckedGroups(Program.CreateCommandBuilder(args).Services);

            Assert.NotEmpty(server);
            Assert.Equal(server, command);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The settings groups whose check (SettingsReader.AddSettings) these services run at start.</summary>
    private static string[] CheckedGroups(IServiceCollection services) =>
        [.. services.Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IValidateOptions<>)
                && typeof(ISettings).IsAssignableFrom(t.GetGenericArguments()[0]))
            .Select(t => t.GetGenericArguments()[0].Name)
            .Order(StringComparer.Ordinal)];

    /// <summary>What the server started with these settings reports, as the command line prints it; empty if it started.</summary>
    private static async Task<IReadOnlyList<string>> ProblemsAtStartAsync(params string[] settings)
    {
        var data = Cli.Cli.NewDataDirectory();
        string[] args =
        [
            "--urls=http://127.0.0.1:0", $"--DataDirectory={data}", "--Logging:LogLevel:Default=None", "--Database:Provider=Sqlite",
            ..settings.Select(s => "--" + s),
        ];
        try
        {
            await using var app = Program.Build(Program.CreateBuilder(args));
            await app.StartAsync();
            await app.StopAsync();
            return [];
        }
        catch (Exception exception) when (SettingsReader.ProblemsIn(exception) is { } problems)
        {
            return problems;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
