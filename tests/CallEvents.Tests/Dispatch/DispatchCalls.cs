using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>Helpers for the PBX intake, the delivery log and an independent signature check.</summary>
public static class DispatchCalls
{
    public static readonly string[] AllowLoopback = ["Delivery:AllowedNetworks:0=127.0.0.0/8", "Delivery:RetryJitter=0"];

    public static object Event(string callId, string kind, string extension, string callStatus = "", string callerExtension = "0003*211",
        string calledExtension = "0003*210") => new
        {
            callId,
            @event = kind,
            extension,
            callerIdNum = "0003*211",
            callerIdName = "Ben Doe",
            calledDid = "",
            calledExtension,
            callerExtension,
            calledNumber = "210",
            callStatus,
        };

    public static async Task ReportAsync(HttpClient admin, object body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var response = await admin.PostAsync("/pbx/callEvents", UapiCalls.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"intake: expected {(int)expected}, got {(int)response.StatusCode} {text}");
    }

    public static async Task<string> SigningSecretAsync(HttpClient app)
    {
        using var response = await app.GetAsync("/uapi/apps/@me/signingSecret");
        var json = await UapiCalls.ReadJsonAsync(response);
        return json.GetProperty("signingSecret").GetString()!;
    }

    /// <summary>Standard Webhooks, computed here from the spec and not with the server's code.</summary>
    public static string ExpectedSignature(string secret, string id, string timestamp, string content)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        using var hmac = new HMACSHA256(key);
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{content}")));
    }

    public static async Task<JsonElement[]> LogAsync(HttpClient client, string extension, int type, string id)
    {
        using var response = await client.GetAsync(UapiCalls.Events("@me", extension, type.ToString(CultureInfo.InvariantCulture), id) + "/deliveries?count=100");
        var json = await UapiCalls.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return [.. json.GetProperty("entry").EnumerateArray()];
    }

    /// <summary>Polls the log until <paramref name="done"/> holds (the sender records after the receiver answered).</summary>
    public static async Task<JsonElement[]> LogUntilAsync(HttpClient client, string extension, int type, string id, Func<JsonElement[], bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            var entries = await LogAsync(client, extension, type, id);
            if (done(entries))
            {
                return entries;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("the delivery log did not reach the expected state: " + string.Join(", ", (await LogAsync(client, extension, type, id)).Select(e => e.ToString())));
    }
}
