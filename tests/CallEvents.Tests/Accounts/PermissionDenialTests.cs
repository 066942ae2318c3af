using System.Net;
using CallEvents.Accounts;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.PhoneCallEvents;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Accounts;

/// <summary>
/// Contract §2 and §4 step 4: a denial of the phone call events permission on an account applies
/// to everything beneath it, and answers pce_access_denied — after user_invalid and
/// extension_invalid, never instead of them.
/// </summary>
public sealed class PermissionDenialTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);

    private async Task SetDeniedAsync(string accountId, bool denied)
    {
        using var scope = fixture.Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountRegistry>().SetPhoneCallEventsDeniedAsync(accountId, denied, CancellationToken.None);
    }

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        // denied account, token, extension, expected
        { "user-0003-ana", "user", "0003*210", "pce_access_denied" },
        { "user-0003-ana", "organization", "0003*210", "pce_access_denied" },
        { "user-0003-ana", "admin", "0003*210", "pce_access_denied" },
        { "user-0003-ana", "organization", "0003*212", "ok" },
        { "org-0003", "user", "0003*210", "pce_access_denied" },
        { "org-0003", "organization", "0003*212", "pce_access_denied" },
        { "org-0003", "admin", "0003*212", "pce_access_denied" },
        { "org-0003", "admin", "0004*210", "ok" },
        { "sp-demo", "user", "0003*210", "pce_access_denied" },
        { "sp-demo", "admin", "0004*210", "pce_access_denied" },
        { "admin", "admin", "0004*210", "pce_access_denied" },
        { "admin", "user", "0003*210", "pce_access_denied" },
        { "user-0004-cam", "admin", "0004*210", "pce_access_denied" },
        { "user-0004-cam", "admin", "0003*210", "ok" },
        // A denial does not leak what is outside the context, nor hide a bad extension.
        { "org-0003", "organization", "0004*210", "extension_invalid" },
        { "user-0003-ana", "user", "0003*250", "extension_invalid" },
        { "org-0003", "user", "0003*299", "extension_invalid" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ADenialAppliesToEverythingBeneathTheAccount(string deniedAccount, string token, string extension, string expected)
    {
        var admin = await _clients.AdminAsync();
        var seeded = await Hooks.CreateAsync(admin, "@owner", "0003*211", type: 0); // Ana's, to check nothing changes
        // An existing event on the target extension, made before the denial, for get, update and
        // delete one: a denial must refuse them, not merely fail to find a made-up id.
        var allowedType = extension is not ("0003*250" or "0003*299");
        var target = allowedType ? await Hooks.CreateAsync(admin, "@owner", extension, type: 1) : "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
        var client = await _clients.For(token);
        await SetDeniedAsync(deniedAccount, true);
        try
        {
            foreach (var operation in ContextMatrixTests.Operations)
            {
                using var response = await Perform(client, operation, extension, target);
                if (expected == "ok")
                {
                    Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, expected);
                }
            }
        }
        finally
        {
            await SetDeniedAsync(deniedAccount, false);
        }
        Assert.Contains(seeded, await _clients.IdsOnAsync("0003*211"));
        if (allowedType && expected != "ok")
        {
            var kept = await _clients.ReadAsync(extension, 1, target);
            Assert.True(kept.HasValue, "a refused delete removed the event");
            Assert.False(kept.Value.TryGetProperty("note", out _), "a refused update changed the event");
        }

        // Allowed again: the same token works at once.
        using var list = await client.GetAsync(UapiCalls.Events("@owner", "0003*211"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    private static Task<HttpResponseMessage> Perform(HttpClient client, string operation, string extension, string id)
    {
        var events = UapiCalls.Events("@owner", extension);
        return operation switch
        {
            "create" => client.PostAsync(events, UapiCalls.Json("""{"type":"1","method":"0","url":"https://crm.example.com/denied"}""")),
            "list" => client.GetAsync(events),
            "get" => client.GetAsync($"{events}/1/{id}"),
            "update" => client.PutAsync($"{events}/1/{id}", UapiCalls.Json("""{"note":"x"}""")),
            "delete one" => client.DeleteAsync($"{events}/1/{id}"),
            "delete by type" => client.DeleteAsync(events + "/3"),
            "delete all" => client.DeleteAsync(events),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
    }
}
