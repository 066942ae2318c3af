using System.Net;
using System.Text.RegularExpressions;
using CallEvents.Demo;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;

namespace CallEvents.Tests.Startup;

/// <summary>
/// What <c>serve</c> does on its first and later starts: on a SQLite file it creates, it answers
/// for real from its first connection and seeds the demo tenant, whose secrets go to the terminal
/// and never to the log; it seeds nothing anywhere else, and says how to begin instead.
/// </summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("callevents-start-").FullName;

    [Fact]
    public async Task OnANewSqliteFileTheFirstAnswerIsRealAndTheBannersTokenWorksAtOnce()
    {
        using var server = StartingServer.Start(_dataDirectory);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var first = await FirstAnswerAsync(http, "/health");
        Assert.Equal(HttpStatusCode.OK, first);

        var (clientId, secret) = await server.ExportedAppAsync("USER");
        using var token = await RequestTokenAsync(http, clientId, secret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Contains(server.TerminalLines, l => l.Trim() == $"export CALLEVENTS_SERVER={server.BaseAddress.GetLeftPart(UriPartial.Authority)}");
        Assert.Contains(server.TerminalLines, l => Regex.IsMatch(l, @"^\s*export ADMIN_ID=app_\S+ ADMIN_SECRET=\S+$"));
        Assert.Contains(server.TerminalLines, l => Regex.IsMatch(l, @"^\s*export ORG_ID=app_\S+ ORG_SECRET=\S+$"));
        Assert.Contains(server.TerminalLines, l => l.Trim() == $"export ADMIN_ACCOUNT=admin ORG_ACCOUNT={DemoTenant.Ids.Organization} USER_ACCOUNT={DemoTenant.Ids.User}");
    }

    [Fact]
    public async Task TheDemoSecretsReachTheTerminalAndNoLogRecord()
    {
        using var server = StartingServer.Start(_dataDirectory);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        string[] secrets = [(await server.ExportedAppAsync("ADMIN")).Secret, (await server.ExportedAppAsync("ORG")).Secret, (await server.ExportedAppAsync("USER")).Secret];
        var (clientId, secret) = await server.ExportedAppAsync("USER");
        using (var token = await RequestTokenAsync(http, clientId, secret))
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode); // the token endpoint has seen the secret, and logged at Trace
        }
        await server.WaitForLineAsync(new Regex("^\\s*curl ")); // the whole banner is out

        // Trace did log, the token request and the demo's inserts among it.
        Assert.Contains(server.LogLines, l => l.Contains("\"Category\":\"OpenIddict.Server", StringComparison.Ordinal));
        Assert.Contains(server.LogLines, l => l.Contains("\"Category\":\"Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        Assert.All(secrets, s => Assert.DoesNotContain(server.LogLines, l => l.Contains(s, StringComparison.Ordinal)));
        Assert.All(secrets, s => Assert.Contains(server.TerminalLines, l => l.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ALaterStartNamesTheDemoAppsInOneLineWithoutTheirSecrets()
    {
        string userId, userSecret;
        using (var first = StartingServer.Start(_dataDirectory))
        {
            (userId, userSecret) = await first.ExportedAppAsync("USER");
        }

        using var again = StartingServer.Start(_dataDirectory);
        var line = await again.WaitForLineAsync(new Regex("^Demo tenant present: .*"));
        Assert.Contains($"USER_ID={userId}", line.Value, StringComparison.Ordinal);
        Assert.Contains("callevents apps regenerate-secret --client-id", line.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(again.Lines, l => l.Contains(userSecret, StringComparison.Ordinal) || l.Contains("export ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoSeedNeverLeavesANewFileWithoutAccountsAndSaysHowToBegin()
    {
        using var server = StartingServer.Start(_dataDirectory, "--Demo:Seed=Never");
        await server.WaitForLineAsync(new Regex("^" + Regex.Escape(DemoBanner.NoAccounts) + "$"));
        Assert.DoesNotContain(server.Lines, l => l.Contains("export ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileThatMigrateCreatedIsNotSeededByServe()
    {
        var (exitCode, _, error) = await NodeProcess.RunAsync(_dataDirectory, "migrate", $"--DataDirectory={_dataDirectory}", "--Database:Provider=Sqlite");
        Assert.True(exitCode == 0, error);

        using var server = StartingServer.Start(_dataDirectory);
        await server.WaitForLineAsync(new Regex("^" + Regex.Escape(DemoBanner.NoAccounts) + "$"));
        Assert.DoesNotContain(server.Lines, l => l.Contains("export ", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task OnAnEmptyPostgresDatabaseServeSeedsNothingAndSaysHowToBegin()
    {
        var name = TestDatabase.NameFor(_dataDirectory);
        var connectionString = TestDatabase.CreateDatabase(name);
        var key = $"--Secrets:KeyFile={Path.Combine(_dataDirectory, "secrets.key")}"; // the node's and the CLI's: one deployment
        try
        {
            using (var server = StartingServer.Start(_dataDirectory, "--migrate", "--Database:Provider=Postgres", $"--Database:ConnectionString={connectionString}", key))
            {
                await server.WaitForLineAsync(new Regex("^" + Regex.Escape(DemoBanner.NoAccounts) + "$"));
                Assert.DoesNotContain(server.Lines, l => l.Contains("export ", StringComparison.Ordinal));
            }
            // `callevents demo`, asked for, still seeds it there.
            var demo = await NodeProcess.CliJsonAsync(_dataDirectory, ["--Database:Provider=Postgres", $"--Database:ConnectionString={connectionString}", key], "demo");
            Assert.True(demo.GetProperty("created").GetBoolean());
        }
        finally
        {
            await TestDatabase.DropDatabaseAsync(name);
        }
    }

    /// <summary>Polls until the server accepts a connection; the status of the first answer it gives.</summary>
    private static async Task<HttpStatusCode> FirstAnswerAsync(HttpClient http, string path)
    {
        for (var attempt = 0; attempt < 900; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(path);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100); // not listening yet: the connection was refused
            }
        }
        throw new Xunit.Sdk.XunitException("the server never accepted a connection");
    }

    private static Task<HttpResponseMessage> RequestTokenAsync(HttpClient http, string clientId, string secret) =>
        http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a child's file may still be closing; the temp directory is cleaned up eventually
        }
    }
}
