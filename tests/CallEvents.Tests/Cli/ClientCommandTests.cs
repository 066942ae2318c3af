using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Cli;

/// <summary>
/// <c>callevents pce|deliveries|login|simulate</c> as a developer runs them: the built executable
/// against the real server on loopback, over its public HTTP API, with the demo apps' real
/// credentials; what they print is checked against what the server serves.
/// </summary>
public sealed class ClientCommandTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    private readonly ClientCli _cli = new();

    private string Server => fixture.Host.BaseAddress.GetLeftPart(UriPartial.Authority);

    private string[] AsUser => ["--server", Server, "--client-id", fixture.Host.Demo.Apps!.User.ClientId, "--client-secret", fixture.Host.Demo.Apps!.User.ClientSecret];

    private string[] AsAdmin => ["--server", Server, "--client-id", fixture.Host.Demo.Apps!.Admin.ClientId, "--client-secret", fixture.Host.Demo.Apps!.Admin.ClientSecret];

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> AddAsync(string extension, string type, string url, params string[] more)
    {
        var output = await _cli.OkAsync(["pce", "add", "--extension", extension, "--type", type, "--url", url, .. more, .. AsUser, "--json"]);
        using var json = JsonDocument.Parse(output);
        return json.RootElement[0].Clone();
    }

    [Fact]
    public async Task PceAddThenListPrintsATableHoldingTheEvent()
    {
        var added = await _cli.OkAsync(["pce", "add", "--extension", "0003*210", "--type", "dial-in", "--method", "GET",
            "--url", "https://crm.example.com/cli/[table]", "--note", "CRM screen-pop", .. AsUser]);
        Assert.Contains("https://crm.example.com/cli/[table]", added, StringComparison.Ordinal);

        var listed = await _cli.OkAsync(["pce", "list", "--extension", "0003*210", .. AsUser]);

        var row = Assert.Single(listed.Split('\n'), line => line.Contains("https://crm.example.com/cli/[table]", StringComparison.Ordinal));
        using var served = JsonDocument.Parse(await (await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210"))).Content.ReadAsStringAsync());
        var id = served.RootElement.GetProperty("entry")[0].GetProperty("id").GetString()!;
        Assert.Contains(id, row, StringComparison.Ordinal);
        Assert.Contains("0 dial-in", row, StringComparison.Ordinal);
        Assert.Contains("0 GET", row, StringComparison.Ordinal);
        Assert.Contains("1 enabled", row, StringComparison.Ordinal);
        Assert.Contains("CRM screen-pop", row, StringComparison.Ordinal);
        Assert.Contains("1 of 1 phone call events on 0003*210.", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonOutputIsTheServersAnswerUnchanged()
    {
        var added = await AddAsync("0003*210", "hangup", "https://crm.example.com/cli/json");
        Assert.Equal("2", added.GetProperty("type").GetString());
        Assert.Equal("1", added.GetProperty("method").GetString()); // POST unless told otherwise

        var listed = await _cli.OkAsync(["pce", "list", "--extension", "0003*210", "--type", "2", "--count", "5", .. AsUser, "--json"]);

        using var served = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210", "2") + "?count=5");
        Assert.Equal(await served.Content.ReadAsStringAsync(), listed.TrimEnd('\n'));
        using var json = JsonDocument.Parse(listed);
        Assert.Equal(added.GetProperty("id").GetString(), json.RootElement.GetProperty("entry")[0].GetProperty("id").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("itemsPerPage").GetInt32());
    }

    [Fact]
    public async Task GetUpdateAndDeleteActOnOneEventByTypeAndId()
    {
        var id = (await AddAsync("0003*210", "answer-in", "https://crm.example.com/cli/one")).GetProperty("id").GetString()!;
        var other = (await AddAsync("0003*210", "answer-in", "https://crm.example.com/cli/other")).GetProperty("id").GetString()!;

        var shown = await _cli.OkAsync(["pce", "get", "--extension", "0003*210", "--type", "3", "--id", id, .. AsUser]);
        Assert.Contains(id, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(other, shown, StringComparison.Ordinal);

        var updated = await _cli.OkAsync(["pce", "update", "--extension", "0003*210", "--type", "answer-in", "--id", id,
            "--status", "disabled", "--note", "paused", .. AsUser, "--json"]);
        using (var json = JsonDocument.Parse(updated))
        {
            Assert.Equal("0", json.RootElement[0].GetProperty("status").GetString());
            Assert.Equal("paused", json.RootElement[0].GetProperty("note").GetString());
            Assert.Equal("https://crm.example.com/cli/one", json.RootElement[0].GetProperty("url").GetString()); // partial: the URL stays
        }

        var deleted = await _cli.OkAsync(["pce", "delete", "--extension", "0003*210", "--type", "3", "--id", id, .. AsUser, "--json"]);
        using (var json = JsonDocument.Parse(deleted))
        {
            Assert.Equal(id, Assert.Single(json.RootElement.EnumerateArray()).GetProperty("id").GetString());
        }

        var gone = await _cli.RunAsync(["pce", "get", "--extension", "0003*210", "--type", "3", "--id", id, .. AsUser]);
        Assert.Contains("(pce_id_invalid)", ClientCli.AssertOneLineFailure(gone, 1), StringComparison.Ordinal);
        using var rest = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210"));
        Assert.Equal([other], (await UapiCalls.ReadJsonAsync(rest)).GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ABulkDeleteShowsWhatWillGoAndWithoutATerminalDeletesOnlyWithYes()
    {
        var first = (await AddAsync("0003*210", "0", "https://crm.example.com/cli/bulk-1")).GetProperty("id").GetString()!;
        var second = (await AddAsync("0003*210", "1", "https://crm.example.com/cli/bulk-2")).GetProperty("id").GetString()!;

        var refused = await _cli.RunAsync(["pce", "delete", "--extension", "0003*210", .. AsUser]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(first, refused.Stdout, StringComparison.Ordinal); // what would go
        Assert.Contains(second, refused.Stdout, StringComparison.Ordinal);
        Assert.Contains("pass --yes", refused.Stderr, StringComparison.Ordinal);
        using (var still = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210")))
        {
            Assert.Equal(2, (await UapiCalls.ReadJsonAsync(still)).GetProperty("totalResults").GetInt32());
        }

        var deleted = await _cli.OkAsync(["pce", "delete", "--extension", "0003*210", "--yes", .. AsUser]);
        Assert.Contains($"Deleted 2 on 0003*210", deleted, StringComparison.Ordinal);
        using (var none = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210")))
        {
            Assert.Equal(0, (await UapiCalls.ReadJsonAsync(none)).GetProperty("totalResults").GetInt32());
        }
        Assert.Equal("[]", (await _cli.OkAsync(["pce", "delete", "--extension", "0003*210", "--type", "0", "--yes", .. AsUser, "--json"])).Trim());
    }

    [Fact]
    public async Task DeliveriesListShowsTheAttemptsOfAnEventAndReplaySendsOneAgain()
    {
        var id = (await AddAsync("0003*211", "dial-in", fixture.Receiver.Url("/cli/incoming"))).GetProperty("id").GetString()!;
        await _cli.OkAsync(["simulate", "call", "--from", "0003*210", "--to", "0003*211", .. AsAdmin]);
        var first = await fixture.Receiver.NextAsync();
        var log = await DispatchCalls.LogUntilAsync(fixture.User, "0003*211", 0, id, entries => entries.Length == 1);
        var delivery = log[0].GetProperty("id").GetString()!;

        var listed = await _cli.OkAsync(["deliveries", "list", "--extension", "0003*211", "--type", "0", "--id", id, .. AsUser]);
        var row = Assert.Single(listed.Split('\n'), line => line.Contains(delivery, StringComparison.Ordinal));
        Assert.Contains(log[0].GetProperty("outcome").GetString()!, row, StringComparison.Ordinal);
        Assert.Contains("dial-in", row, StringComparison.Ordinal);
        Assert.Contains("1 of 1 delivery attempts.", listed, StringComparison.Ordinal);

        var replayed = await _cli.OkAsync(["deliveries", "replay", "--extension", "0003*211", "--type", "0", "--id", id, "--delivery", delivery, .. AsUser]);
        Assert.Contains($"Queued again: {delivery}", replayed, StringComparison.Ordinal);
        var again = await fixture.Receiver.NextAsync();
        Assert.Equal(first.Header("webhook-id"), again.Header("webhook-id"));
        var asJson = await _cli.OkAsync(["deliveries", "list", "--extension", "0003*211", "--type", "0", "--id", id, .. AsUser, "--json"]);
        using var json = JsonDocument.Parse(asJson);
        Assert.InRange(json.RootElement.GetProperty("totalResults").GetInt32(), 1, 2); // the replay's attempt may not be recorded yet
    }

    [Fact]
    public async Task LoginWritesAProfileOnlyItsOwnerCanReadAndLaterCommandsUseIt()
    {
        var user = fixture.Host.Demo.Apps!.User;
        var refused = await _cli.RunAsync("login", "--server", Server, "--client-id", user.ClientId, "--client-secret", "not-the-secret");
        Assert.Contains("(invalid_client)", ClientCli.AssertOneLineFailure(refused, 3), StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.ProfilePath));

        await _cli.OkAsync("login", "--server", Server, "--client-id", user.ClientId, "--client-secret", user.ClientSecret);

        Assert.True(File.Exists(_cli.ProfilePath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.ProfilePath));
        }
        using (var profile = JsonDocument.Parse(await File.ReadAllTextAsync(_cli.ProfilePath)))
        {
            Assert.Equal(Server, profile.RootElement.GetProperty("server").GetString());
            Assert.Equal(user.ClientId, profile.RootElement.GetProperty("clientId").GetString());
        }
        await AddAsync("0003*210", "0", "https://crm.example.com/cli/profile");
        var listed = await _cli.OkAsync("pce", "list", "--extension", "0003*210"); // no flags: the profile's server and app
        Assert.Contains("https://crm.example.com/cli/profile", listed, StringComparison.Ordinal);

        // The environment wins over the profile.
        _cli.Environment["CALLEVENTS_CLIENT_SECRET"] = "not-the-secret";
        ClientCli.AssertOneLineFailure(await _cli.RunAsync("pce", "list", "--extension", "0003*210"), 3);
        _cli.Environment["CALLEVENTS_CLIENT_SECRET"] = null;

        await _cli.OkAsync("logout");
        Assert.False(File.Exists(_cli.ProfilePath));
        var noCredentials = await _cli.RunAsync("pce", "list", "--extension", "0003*210", "--server", Server);
        Assert.Contains("callevents login", ClientCli.AssertOneLineFailure(noCredentials, 2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialsComeFromTheEnvironmentWhenNoFlagsAreGivenAndFlagsWinOverIt()
    {
        _cli.Environment["CALLEVENTS_SERVER"] = Server;
        _cli.Environment["CALLEVENTS_CLIENT_ID"] = fixture.Host.Demo.Apps!.User.ClientId;
        _cli.Environment["CALLEVENTS_CLIENT_SECRET"] = fixture.Host.Demo.Apps!.User.ClientSecret;

        var listed = await _cli.OkAsync("pce", "list", "--extension", "0003*211");

        Assert.Contains("No phone call events on 0003*211.", listed, StringComparison.Ordinal);
        var flagged = await _cli.RunAsync("pce", "list", "--extension", "0003*211", "--client-secret", "not-the-secret");
        Assert.Contains("(invalid_client)", ClientCli.AssertOneLineFailure(flagged, 3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServerIsOneLineThatSaysSoAndExitCodeFour()
    {
        var port = ClosedPort();
        var result = await _cli.RunAsync("pce", "list", "--extension", "0003*210", "--server", $"http://127.0.0.1:{port}", "--client-id", "x", "--client-secret", "y");

        var line = ClientCli.AssertOneLineFailure(result, 4);
        Assert.Equal($"Cannot reach http://127.0.0.1:{port}: is `callevents serve` running? (or pass --server URL)", line);
    }

    [Fact]
    public async Task SimulateWithAnAppThatIsNotAnAdminSaysItNeedsAnAdminApp()
    {
        var result = await _cli.RunAsync(["simulate", "call", "--from", "0003*210", "--to", "0003*211", .. AsUser]);

        var line = ClientCli.AssertOneLineFailure(result, 3);
        Assert.Contains("only an Admin app may", line, StringComparison.Ordinal);
        Assert.Contains("callevents apps add --account admin --trusted", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadArgumentIsOneLineWithAUsageHintAndNothingIsSent()
    {
        var missing = await _cli.RunAsync(["pce", "add", "--extension", "0003*210", "--url", "https://crm.example.com/x", .. AsUser]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(["Option '--type' is required.", "Run 'callevents pce add --help' for usage."],
            missing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var badType = await _cli.RunAsync(["pce", "list", "--extension", "0003*210", "--type", "ringing", .. AsUser]);
        Assert.Equal(2, badType.ExitCode);
        Assert.StartsWith("--type 'ringing' is not one of 0-4 or dial-in", badType.Stderr, StringComparison.Ordinal);

        var mistyped = await _cli.RunAsync("pce", "lst", "--extension", "0003*210");
        Assert.Equal(2, mistyped.ExitCode);
        Assert.Contains("'lst'", mistyped.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("Run 'callevents pce --help' for usage.", mistyped.Stderr.TrimEnd(), StringComparison.Ordinal);

        var nothingToChange = await _cli.RunAsync(["pce", "update", "--extension", "0003*210", "--type", "0", "--id", "x", .. AsUser]);
        ClientCli.AssertOneLineFailure(nothingToChange, 2);
        using var none = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210"));
        Assert.Equal(0, (await UapiCalls.ReadJsonAsync(none)).GetProperty("totalResults").GetInt32());
    }

    [Fact]
    public async Task ListenOnAPortInUseSaysWhichPortAndWhatToPass()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await _cli.RunAsync("listen", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal($"Port {port} is in use: stop the other process or pass --port {port + 1}", ClientCli.AssertOneLineFailure(result, 5));
    }

    [Fact]
    public async Task ServeOnAPortInUseSaysWhichPortWithoutAStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Cli.NewDataDirectory();

        var result = await Cli.RunAsync(data, "serve", "--urls", $"http://127.0.0.1:{port}", "--Database:Provider=Sqlite");

        Assert.Equal(5, result.ExitCode);
        Assert.DoesNotContain("   at ", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.Equal($"Port {port} is in use: stop the other process or pass --urls http://127.0.0.1:{port + 1}",
            result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+", await _cli.OkAsync("--version"));
    }

    /// <summary>A loopback port nobody listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
