using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>The three demo apps' tokens on one host, as ready HttpClients: one token each per test class.</summary>
public sealed class DemoClients(CallEventsHost host)
{
    private readonly ConcurrentDictionary<string, Task<HttpClient>> _clients = new();

    public Task<HttpClient> AdminAsync() => For("admin");
    public Task<HttpClient> OrganizationAsync() => For("organization");
    public Task<HttpClient> UserAsync() => For("user");

    public Task<HttpClient> For(string app) => _clients.GetOrAdd(app, async name => host.ClientWith(await host.TokenAsync(apps => name switch
    {
        "admin" => apps.Admin,
        "organization" => apps.Organization,
        "user" => apps.User,
        _ => throw new ArgumentOutOfRangeException(nameof(app), name, "admin, organization or user"),
    })));

    /// <summary>Every event id on an extension, as the Admin sees it (@owner, so any extension).</summary>
    public async Task<List<string>> IdsOnAsync(string extension)
    {
        var admin = await AdminAsync();
        using var response = await admin.GetAsync(UapiCalls.Events("@owner", extension) + "?count=5000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await UapiCalls.IdsAsync(response)).Order(StringComparer.Ordinal)];
    }

    /// <summary>One event as the Admin reads it, or null when it is gone.</summary>
    public async Task<JsonElement?> ReadAsync(string extension, int type, string id)
    {
        var admin = await AdminAsync();
        using var response = await admin.GetAsync(UapiCalls.Events("@owner", extension, type.ToString(CultureInfo.InvariantCulture), id));
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "pce_id_invalid");
            return null;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await UapiCalls.ReadJsonAsync(response);
        return json.GetProperty("entry")[0];
    }
}

/// <summary>
/// Hook URLs for tests: a name, as users write them (documentation addresses such as TEST-NET-3
/// are refused as not globally reachable). Create/update waits at most
/// <c>Delivery:RegistrationDnsBudget</c> for a name, once per server while the answer is cached,
/// so a resolver that takes seconds to say no costs little.
/// </summary>
public static class Hooks
{
    public const string Base = "https://crm.example.com";
    public const string Url = Base + "/hooks/calls";

    public static Task<string> CreateAsync(HttpClient client, string userId, string extension, int type = 0,
        string url = Url, int method = 1, string? note = null) =>
        UapiCalls.CreateAsync(client, userId, extension, type, url, method, note);
}
