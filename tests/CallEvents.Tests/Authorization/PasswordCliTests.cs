using System.Net;
using System.Text.Json;
using CallEvents.Tests.Cli;

namespace CallEvents.Tests.Authorization;

/// <summary><c>callevents accounts set-password</c> and <c>apps add --redirect-uri</c>, then a sign-in on the server of that data directory.</summary>
public sealed class PasswordCliTests
{
    [Fact]
    public async Task APasswordSetFromStandardInputSignsInAndNoneIsTakenFromArgumentsOrWithoutATerminal()
    {
        var data = Cli.Cli.NewDataDirectory();
        Assert.Equal(0, (await Cli.Cli.RunAsync(data, "demo", "--json")).ExitCode);
        var set = await Cli.Cli.RunWithInputAsync(data, "uma-secret-77\n", "accounts", "set-password", "user-0003-ana", "--password-stdin");
        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.DoesNotContain("uma-secret-77", set.Stdout + set.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("uma-secret-77", Cli.Cli.DumpDatabase(data), StringComparison.Ordinal); // a hash only

        var noTerminal = await Cli.Cli.RunAsync(data, "accounts", "set-password", "user-0003-ana");
        Assert.Equal(2, noTerminal.ExitCode);
        Assert.Contains("--password-stdin", noTerminal.Stderr, StringComparison.Ordinal);
        var asArgument = await Cli.Cli.RunAsync(data, "accounts", "set-password", "user-0003-ana", "--password", "x");
        Assert.NotEqual(0, asArgument.ExitCode);
        var unknown = await Cli.Cli.RunWithInputAsync(data, "uma-secret-77\n", "accounts", "set-password", "nobody", "--password-stdin");
        Assert.Equal(2, unknown.ExitCode);

        var added = await Cli.Cli.RunAsync(data, "apps", "add", "--account", "admin", "--name", "CRM Connect", "--redirect-uri", AuthorizationFlow.RedirectUri, "--json");
        Assert.True(added.ExitCode == 0, added.Stderr);
        using var json = JsonDocument.Parse(added.Stdout);
        var app = new global::CallEvents.OAuth.IssuedCredentials("admin", json.RootElement.GetProperty("clientId").GetString()!,
            json.RootElement.GetProperty("clientSecret").GetString()!);

        await using var server = await ServerOn.StartAsync(data);
        using var flow = new AuthorizationFlow(server.Http.BaseAddress!);
        var (access, _) = await flow.TokensForAsync(app, "user-0003-ana", "uma-secret-77");
        using var api = flow.ApiAs(access);
        using var listed = await api.GetAsync("/uapi/extensions/@me/0003*210/phoneCallEvents");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }
}
