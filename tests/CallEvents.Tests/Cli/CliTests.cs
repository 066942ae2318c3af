using System.Net;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Cli;

/// <summary>
/// The command line as scripts use it (issue 2 item 3): the built executable as a child process,
/// its stdout parsed as JSON, and the result served by the real server on the same data directory.
/// </summary>
public sealed class CliTests
{
    private static JsonElement ParseSingleJson(CliResult result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        // The whole of stdout is one JSON document: nothing else may precede or follow it.
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task DemoJsonPrintsTheDocumentedShapeOnceAndASecondRunChangesNothing()
    {
        var data = Cli.NewDataDirectory();
        var first = ParseSingleJson(await Cli.RunAsync(data, "demo", "--json"));

        var accounts = first.GetProperty("accounts");
        Assert.Equal(["admin", "serviceProvider", "organization", "user", "colleague", "otherOrganization", "otherUser"],
            accounts.EnumerateObject().Select(p => p.Name));
        Assert.All(accounts.EnumerateObject(), p => Assert.False(string.IsNullOrEmpty(p.Value.GetString())));
        var apps = first.GetProperty("apps");
        foreach (var (app, account) in new[] { ("admin", "admin"), ("organization", "organization"), ("user", "user") })
        {
            var credentials = apps.GetProperty(app);
            Assert.Equal(accounts.GetProperty(account).GetString(), credentials.GetProperty("accountId").GetString());
            Assert.False(string.IsNullOrEmpty(credentials.GetProperty("clientId").GetString()));
            Assert.True(credentials.GetProperty("clientSecret").GetString()!.Length >= 32);
        }
        string Id(string name) => accounts.GetProperty(name).GetString()!;
        Assert.Equal(
            [("0003*210", "PhoneTerminal", Id("user")), ("0003*211", "PhoneTerminal", Id("user")), ("0003*250", "VoicemailCenter", Id("user")),
             ("0003*212", "PhoneTerminal", Id("colleague")), ("0004*210", "PhoneTerminal", Id("otherUser"))],
            first.GetProperty("extensions").EnumerateArray().Select(e =>
                (e.GetProperty("number").GetString()!, e.GetProperty("type").GetString()!, e.GetProperty("ownerId").GetString()!)));

        var secrets = apps.EnumerateObject().Select(a => a.Value.GetProperty("clientSecret").GetString()!).ToArray();
        var before = Cli.DumpDatabase(data);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, before, StringComparison.Ordinal)); // only a hash is stored

        var again = await Cli.RunAsync(data, "demo", "--json");
        var second = ParseSingleJson(again);
        Assert.False(second.TryGetProperty("apps", out _));
        Assert.Equal(accounts.GetRawText(), second.GetProperty("accounts").GetRawText());
        Assert.Contains("exists", again.Stdout + again.Stderr, StringComparison.Ordinal);
        var plain = await Cli.RunAsync(data, "demo");
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("exists", plain.Stdout, StringComparison.Ordinal);
        foreach (var output in new[] { again.Stdout, again.Stderr, plain.Stdout, plain.Stderr })
        {
            Assert.DoesNotContain("clientSecret", output, StringComparison.OrdinalIgnoreCase);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, output, StringComparison.Ordinal));
        }
        Assert.Equal(before, Cli.DumpDatabase(data));

        // The first run's secrets still work, and the tenant is shaped as printed.
        await using var server = await ServerOn.StartAsync(data);
        foreach (var app in apps.EnumerateObject())
        {
            await server.TokenAsync(app.Value.GetProperty("clientId").GetString()!, app.Value.GetProperty("clientSecret").GetString()!);
        }
        var user = apps.GetProperty("user");
        using var client = server.ClientWith(await server.TokenAsync(user.GetProperty("clientId").GetString()!, user.GetProperty("clientSecret").GetString()!));
        using var own = await client.PostAsync(UapiCalls.Events("@me", "0003*210"), UapiCalls.Json("""{"type":"0","method":"1","url":"https://crm.example.com/demo"}"""));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var colleagues = await client.GetAsync(UapiCalls.Events("@me", "0003*212"));
        await UapiCalls.AssertErrorAsync(colleagues, HttpStatusCode.BadRequest, "pce_access_denied");
    }

    [Fact]
    public async Task ProvisioningCommandsBuildATenantTheServerServesAndRegeneratingASecretRevokesItsTokens()
    {
        var data = Cli.NewDataDirectory();
        async Task<JsonElement> Run(params string[] args) => ParseSingleJson(await Cli.RunAsync(data, [.. args, "--json"]));

        Assert.Equal("Admin", (await Run("accounts", "add", "--kind", "Admin", "--name", "Root", "--id", "root")).GetProperty("kind").GetString());
        Assert.Equal("root", (await Run("accounts", "add", "--kind", "ServiceProvider", "--name", "SP", "--id", "sp7")).GetProperty("parentId").GetString());
        var organization = await Run("accounts", "add", "--kind", "Organization", "--name", "Org 7", "--id", "org7", "--parent", "sp7", "--code", "0007");
        Assert.Equal("0007", organization.GetProperty("organizationCode").GetString());
        var generated = await Run("accounts", "add", "--kind", "User", "--name", "Gen", "--parent", "org7");
        Assert.Matches("^[A-Za-z0-9_.-]+$", generated.GetProperty("id").GetString());
        await Run("accounts", "add", "--kind", "User", "--name", "Uma", "--id", "uma.7", "--parent", "org7");
        Assert.Equal("0007*300", (await Run("extensions", "add", "--number", "0007*300", "--type", "PhoneTerminal", "--owner", "uma.7")).GetProperty("number").GetString());
        var queue = await Run("extensions", "add", "--number", "301", "--type", "Queue", "--owner", "uma.7");
        Assert.Equal("0007*301", queue.GetProperty("number").GetString());
        Assert.Equal("Queue", queue.GetProperty("type").GetString());
        await Run("extensions", "add", "--number", "0007*302", "--type", "VoicemailCenter", "--owner", "uma.7");
        var trusted = await Run("apps", "add", "--account", "uma.7", "--trusted", "--name", "CRM");
        Assert.Equal("uma.7", trusted.GetProperty("accountId").GetString());
        var untrusted = await Run("apps", "add", "--account", "org7");
        var (clientId, secret) = (trusted.GetProperty("clientId").GetString()!, trusted.GetProperty("clientSecret").GetString()!);
        Assert.DoesNotContain(secret, Cli.DumpDatabase(data), StringComparison.Ordinal);

        await using var server = await ServerOn.StartAsync(data);
        var token = await server.TokenAsync(clientId, secret);
        using var client = server.ClientWith(token);
        foreach (var extension in new[] { "0007*300", "301" })
        {
            using var created = await client.PostAsync(UapiCalls.Events("@me", extension), UapiCalls.Json("""{"type":"1","method":"0","url":"https://crm.example.com/cli"}"""));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        using (var voicemail = await client.GetAsync(UapiCalls.Events("@me", "0007*302")))
        {
            await UapiCalls.AssertErrorAsync(voicemail, HttpStatusCode.BadRequest, "extension_invalid");
        }
        using (var refused = await server.TokenResponseAsync(untrusted.GetProperty("clientId").GetString()!, untrusted.GetProperty("clientSecret").GetString()!))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("unauthorized_client", (await UapiCalls.ReadJsonAsync(refused)).GetProperty("error").GetString());
        }

        // Deny and allow, from the command line, while the server runs.
        Assert.Equal(0, (await Cli.RunAsync(data, "accounts", "deny", "--account", "sp7")).ExitCode);
        using (var denied = await client.GetAsync(UapiCalls.Events("@me", "300")))
        {
            await UapiCalls.AssertErrorAsync(denied, HttpStatusCode.BadRequest, "pce_access_denied");
        }
        Assert.Equal(0, (await Cli.RunAsync(data, "accounts", "allow", "--account", "sp7")).ExitCode);
        using (var allowed = await client.GetAsync(UapiCalls.Events("@me", "300")))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // A new secret, from the command line, while the server runs: the old secret stops at once,
        // the old token within OAuth:ValidatedTokenCacheSeconds (2 s: the server trusts a token it
        // validated for that long; bounded wait of 25 × 200 ms, then insist).
        var regenerated = await Run("apps", "regenerate-secret", "--client-id", clientId);
        Assert.Equal(clientId, regenerated.GetProperty("clientId").GetString());
        var newSecret = regenerated.GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        for (var attempt = 0; attempt < 25; attempt++)
        {
            using var probe = await client.GetAsync(UapiCalls.Events("@me", "300"));
            if (probe.StatusCode == HttpStatusCode.Unauthorized)
            {
                break;
            }
            await Task.Delay(200);
        }
        using (var revoked = await client.GetAsync(UapiCalls.Events("@me", "300")))
        {
            await UapiCalls.AssertErrorAsync(revoked, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var oldSecret = await server.TokenResponseAsync(clientId, secret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
            Assert.Equal("invalid_client", (await UapiCalls.ReadJsonAsync(oldSecret)).GetProperty("error").GetString());
        }
        using var renewed = server.ClientWith(await server.TokenAsync(clientId, newSecret));
        using var works = await renewed.GetAsync(UapiCalls.Events("@me", "300"));
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }

    private static readonly string[][] Mistakes =
    [
        new[] { "accounts", "add", "--kind", "Organization", "--name", "X", "--parent", "sp-demo", "--code", "12" },
        new[] { "accounts", "add", "--kind", "User", "--name", "X" },
        new[] { "accounts", "add", "--kind", "Admin", "--name", "Second admin" },
        new[] { "accounts", "add", "--kind", "User", "--name", "X", "--parent", "org-0003", "--id", "bad id!" },
        new[] { "extensions", "add", "--number", "0003*299", "--type", "Fax", "--owner", "user-0003-ana" },
        new[] { "extensions", "add", "--number", "0004*299", "--type", "Queue", "--owner", "user-0003-ana" },
        new[] { "extensions", "add", "--number", "0003*21", "--type", "Queue", "--owner", "user-0003-ana" },
        new[] { "apps", "add", "--account", "sp-demo", "--trusted" },
        new[] { "apps", "regenerate-secret", "--client-id", "nope" },
    ];

    [Fact]
    public async Task ProvisioningMistakesExitWithAMessageAndWriteNothing()
    {
        var data = Cli.NewDataDirectory();
        Assert.Equal(0, (await Cli.RunAsync(data, "demo", "--json")).ExitCode);
        var before = Cli.DumpDatabase(data);
        foreach (var args in Mistakes)
        {
            var result = await Cli.RunAsync(data, [.. args, "--json"]);
            Assert.True(result.ExitCode != 0, $"{string.Join(' ', args)} succeeded: {result.Stdout}");
            Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
            Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // a message, not a stack trace
            Assert.Equal("", result.Stdout.Trim());
        }
        Assert.Equal(before, Cli.DumpDatabase(data));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--Logging:LogLevel:Default", "Warning", "servee")]
    public async Task AMistypedCommandIsRefusedInsteadOfStartingAServer(params string[] args)
    {
        var data = Cli.NewDataDirectory();

        var result = await Cli.RunAsync(data, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Unknown command '{args[^1]}'", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "callevents.db"))); // nothing was served or created
    }
}
