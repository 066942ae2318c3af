using System.Net;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Operations;

/// <summary>
/// The main flows, with every log line captured (CallEvents at Debug, everything else at
/// Information): no access token, client secret, signing secret, private key or hook query
/// appears in any of them. And the lines operators rely on are there, so the test cannot pass by
/// capturing nothing.
/// </summary>
public sealed class SecretsInLogsTests
{
    private const string HookQuerySecret = "hook-query-secret-7f3a";
    private const string WrongSecret = "a-wrong-secret-9c1e";

    [Fact]
    public async Task TheMainFlowsLogNoTokenSecretOrKey()
    {
        var logs = new CapturedLogs();
        await using var receiver = await Receiver.StartAsync();
        await using var host = await CallEventsHost.StartAsync(
            [
                ..DispatchCalls.AllowLoopback,
                "Logging:LogLevel:Default=Information",
                "Logging:LogLevel:Microsoft.AspNetCore=Information",
                "Logging:LogLevel:Microsoft.EntityFrameworkCore=Information",
                "Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information",
                "Logging:LogLevel:OpenIddict=Information",
                "Logging:LogLevel:CallEvents=Debug",
            ],
            services => services.AddSingleton<ILoggerProvider>(logs));
        var apps = host.Demo.Apps!;
        var secrets = new List<string> { apps.Admin.ClientSecret, apps.Organization.ClientSecret, apps.User.ClientSecret, WrongSecret, HookQuerySecret };
        secrets.AddRange(new[] { apps.Admin.SigningSecret, apps.Organization.SigningSecret, apps.User.SigningSecret }.OfType<string>());

        // Tokens: issued, refused.
        var userToken = await host.TokenAsync(a => a.User);
        var adminToken = await host.TokenAsync(a => a.Admin);
        secrets.AddRange([userToken, adminToken]);
        using (var refused = await host.Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = apps.User.ClientId,
            ["client_secret"] = WrongSecret,
        })))
        {
            Assert.False(refused.IsSuccessStatusCode);
        }
        using var user = host.ClientWith(userToken);
        using var admin = host.ClientWith(adminToken);

        // Create, list (the token in the query too), update, the signing secret, a delivery, delete.
        var id = await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 0, url: receiver.Url("/hook?key=" + HookQuerySecret));
        using (var listed = await host.Http.GetAsync(UapiCalls.Events("@me", "0003*210") + "?accessRequestToken=Bearer%20" + userToken))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }
        using (var updated = await UapiCalls.PutJsonAsync(user, UapiCalls.Events("@me", "0003*210", "0", id), new { note = "updated" }))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }
        secrets.Add(await DispatchCalls.SigningSecretAsync(user));
        using (var rotated = await user.PostAsync("/uapi/apps/@me/signingSecret/rotate", null))
        {
            secrets.Add((await UapiCalls.ReadJsonAsync(rotated)).GetProperty("signingSecret").GetString()!);
        }
        await DispatchCalls.ReportAsync(admin, DispatchCalls.Event("call-logged", "dial-in", "0003*210"));
        await receiver.NextAsync();
        var log = await DispatchCalls.LogUntilAsync(user, "0003*210", 0, id, entries => entries.Length > 0);
        var deliveryId = log[0].GetProperty("id").GetString()!;
        using (var deleted = await user.DeleteAsync(UapiCalls.Events("@me", "0003*210", "0", id)))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }
        await WaitForLineAsync(logs, line => line.Contains($"DELETE /uapi/extensions/@me/0003*210/phoneCallEvents/0/{id} 200", StringComparison.Ordinal));

        var lines = logs.Lines.Select(l => $"{l.Level} {l.Category}: {l.Text}").ToList();
        Assert.Contains(lines, l => l.Contains("CallEvents.Requests: POST /pbx/callEvents 202", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"Delivery {deliveryId} of event {id} (dial-in) attempt 1: succeeded, HTTP 200", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Information OpenIddict", StringComparison.Ordinal)); // the libraries did log at Information
        foreach (var line in lines)
        {
            foreach (var secret in secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"a secret in the log: {line}");
            }
            Assert.DoesNotContain("whsec_", line, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", line, StringComparison.Ordinal);
            Assert.DoesNotContain("accessRequestToken", line, StringComparison.Ordinal);
        }
    }

    /// <summary>The request line is written once the answer has gone: wait for it (bounded).</summary>
    private static async Task WaitForLineAsync(CapturedLogs logs, Func<string, bool> found)
    {
        for (var i = 0; i < 100 && !logs.Lines.Any(l => found(l.Text)); i++)
        {
            await Task.Delay(50);
        }
    }
}
