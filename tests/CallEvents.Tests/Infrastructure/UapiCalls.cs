using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CallEvents.Tests.Infrastructure;

/// <summary>Small helpers for UAPI calls and for asserting the contract's answers.</summary>
public static class UapiCalls
{
    public static string Events(string userId, string extension, string? type = null, string? id = null) =>
        $"/uapi/extensions/{userId}/{extension}/phoneCallEvents"
        + (type is null ? "" : "/" + type)
        + (id is null ? "" : "/" + id);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    /// <summary>Creates an event and returns its id; fails the test on anything but 200.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string userId, string extension, int type = 0,
        string url = "https://crm.example.com/hooks/calls", int method = 1, string? note = null)
    {
        using var response = await client.PostAsync(Events(userId, extension),
            Json(new { type = type.ToString(CultureInfo.InvariantCulture), method = method.ToString(CultureInfo.InvariantCulture), url, note }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"create failed: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement[0].GetProperty("id").GetString()!;
    }

    /// <summary>Asserts the UAPI error envelope with this status and code.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status && body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal),
            $"expected {(int)status} {code}, got {(int)response.StatusCode} {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    public static async Task<List<string>> IdsAsync(HttpResponseMessage response)
    {
        var json = await ReadJsonAsync(response);
        var array = json.ValueKind == JsonValueKind.Array ? json : json.GetProperty("entry");
        return [.. array.EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }

    public static Task<HttpResponseMessage> ListAsync(HttpClient client, string path) => client.GetAsync(path);

    public static Task<HttpResponseMessage> PutJsonAsync(HttpClient client, string path, object body) =>
        client.PutAsJsonAsync(path, body);

    /// <summary>
    /// GETs <paramref name="path"/> every 200 ms until the answer is not 200 OK, at most 50 times
    /// (10 s): the status it ended with. For waits on a bounded cache, never an open loop.
    /// </summary>
    public static async Task<HttpStatusCode> StatusOnceNotOkAsync(HttpClient client, string path)
    {
        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 50 && status == HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(200);
            using var response = await client.GetAsync(path);
            status = response.StatusCode;
        }
        return status;
    }
}
