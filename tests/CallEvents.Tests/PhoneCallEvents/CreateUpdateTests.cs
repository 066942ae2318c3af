using System.Net;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>Create and Update (contract §6, §7): what is answered, what is stored, partial updates.</summary>
public sealed class CreateUpdateTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Extension = "0003*210";
    private readonly DemoClients _clients = new(fixture.Host);

    [Fact]
    public async Task CreateAnswersTheNewEventInAnArrayWithALocationHeader()
    {
        var client = await _clients.UserAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        using var response = await client.PostAsync(UapiCalls.Events("@viewer", Extension),
            UapiCalls.Json("""{"type":"0","method":"1","url":"https://crm.example.com/hooks/calls","status":"1","note":"CRM screen-pop"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var array = await UapiCalls.ReadJsonAsync(response);
        Assert.Equal(JsonValueKind.Array, array.ValueKind);
        var created = Assert.Single(array.EnumerateArray());
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^[A-Za-z0-9]{30}$", id);
        Assert.Equal(["id", "type", "method", "url", "status", "note", "modified", "links"], created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0", created.GetProperty("type").GetString());
        Assert.Equal("1", created.GetProperty("method").GetString());
        Assert.Equal("1", created.GetProperty("status").GetString());
        Assert.Equal("https://crm.example.com/hooks/calls", created.GetProperty("url").GetString());
        Assert.Equal("CRM screen-pop", created.GetProperty("note").GetString());
        var modified = created.GetProperty("modified").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$", modified);
        var at = DateTimeOffset.Parse(modified, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, before, DateTimeOffset.UtcNow.AddSeconds(2));
        var self = created.GetProperty("links").GetProperty("self").GetString()!;
        Assert.Equal($"{fixture.Host.BaseAddress.ToString().TrimEnd('/')}/uapi/extensions/@viewer/{Extension}/phoneCallEvents/0/{id}", self);
        Assert.Equal(self, response.Headers.Location!.OriginalString);

        // links.self leads back to the event.
        using var get = await client.GetAsync(self);
        Assert.Equal([id], await UapiCalls.IdsAsync(get));
    }

    [Fact]
    public async Task CreateAcceptsNumbersAsWellAsStringsAndDefaultsStatusToEnabled()
    {
        var client = await _clients.UserAsync();
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json("""{"type":4,"method":0,"url":"http://crm.example.com/numbers"}"""));
        var created = (await UapiCalls.ReadJsonAsync(response))[0];
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("4", created.GetProperty("type").GetString());
        Assert.Equal("0", created.GetProperty("method").GetString());
        Assert.Equal("1", created.GetProperty("status").GetString());
        Assert.False(created.TryGetProperty("note", out _));
    }

    [Fact]
    public async Task CreateIgnoresTheReadOnlyFieldsAClientEchoesBack()
    {
        var client = await _clients.UserAsync();
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension),
            UapiCalls.Json("""{"id":"mine","type":"2","method":"1","url":"https://crm.example.com/echo","modified":"2000-01-01T00:00:00+00:00","links":{"self":"x"}}"""));
        var created = (await UapiCalls.ReadJsonAsync(response))[0];
        Assert.NotEqual("mine", created.GetProperty("id").GetString());
        Assert.StartsWith(DateTimeOffset.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), created.GetProperty("modified").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string?> TypeInPathAndBody() => new()
    {
        // path type, body, the stored type (null: pcet_type_invalid)
        { "3", """{"method":"1","url":"https://crm.example.com/t"}""", "3" },
        { "3", """{"type":"3","method":"1","url":"https://crm.example.com/t"}""", "3" },
        { "3", """{"type":3,"method":"1","url":"https://crm.example.com/t"}""", "3" },
        { "3", """{"type":"2","method":"1","url":"https://crm.example.com/t"}""", null },
        { "3", """{"type":"9","method":"1","url":"https://crm.example.com/t"}""", null },
        { "0", """{"type":"4","method":"1","url":"https://crm.example.com/t"}""", null },
    };

    [Theory]
    [MemberData(nameof(TypeInPathAndBody))]
    public async Task CreateTakesTheTypeFromThePathAndABodyTypeMustAgree(string pathType, string body, string? stored)
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync(Extension);
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension, pathType), UapiCalls.Json(body));
        if (stored is null)
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "pcet_type_invalid");
            Assert.Equal(before, await _clients.IdsOnAsync(Extension));
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await UapiCalls.ReadJsonAsync(response))[0];
        Assert.Equal(stored, created.GetProperty("type").GetString());
        Assert.EndsWith($"/phoneCallEvents/{stored}/{created.GetProperty("id").GetString()}", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateChangesOnlyTheFieldsItIsGiven()
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", Extension, type: 1, url: "https://crm.example.com/before", method: 0, note: "before");
        var original = (await _clients.ReadAsync(Extension, 1, id))!.Value;

        await Update("""{"status":"0"}""");
        var afterStatus = (await _clients.ReadAsync(Extension, 1, id))!.Value;
        Assert.Equal("0", afterStatus.GetProperty("status").GetString());
        Assert.Equal("0", afterStatus.GetProperty("method").GetString());
        Assert.Equal("https://crm.example.com/before", afterStatus.GetProperty("url").GetString());
        Assert.Equal("before", afterStatus.GetProperty("note").GetString());

        await Update("""{"url":"https://crm.example.com/after","method":1}""");
        var afterUrl = (await _clients.ReadAsync(Extension, 1, id))!.Value;
        Assert.Equal("https://crm.example.com/after", afterUrl.GetProperty("url").GetString());
        Assert.Equal("1", afterUrl.GetProperty("method").GetString());
        Assert.Equal("0", afterUrl.GetProperty("status").GetString());
        Assert.Equal("before", afterUrl.GetProperty("note").GetString());

        // An empty object changes nothing but is a valid update; the same type in the body is allowed.
        var unchanged = await Update("""{"type":"1"}""");
        Assert.Equal("https://crm.example.com/after", unchanged.GetProperty("url").GetString());

        // A null note removes it; the answer leaves the null field out.
        var noNote = await Update("""{"note":null}""");
        Assert.False(noNote.TryGetProperty("note", out _));
        Assert.False((await _clients.ReadAsync(Extension, 1, id))!.Value.TryGetProperty("note", out _));
        Assert.Equal(original.GetProperty("id").GetString(), noNote.GetProperty("id").GetString());
        Assert.Equal(original.GetProperty("links").GetProperty("self").GetString()!.Replace("@owner", "@me", StringComparison.Ordinal),
            noNote.GetProperty("links").GetProperty("self").GetString());

        async Task<JsonElement> Update(string body)
        {
            using var response = await client.PutAsync(UapiCalls.Events("@me", Extension, "1", id), UapiCalls.Json(body));
            var array = await UapiCalls.ReadJsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Assert.Single(array.EnumerateArray());
        }
    }

    [Fact]
    public async Task UpdateOfAnUnknownIdOrAnIdOfAnotherTypeOrExtensionIsPceIdInvalid()
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", Extension, type: 2);
        foreach (var path in new[]
        {
            UapiCalls.Events("@me", Extension, "3", id),
            UapiCalls.Events("@me", "0003*211", "2", id),
            UapiCalls.Events("@me", Extension, "2", "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"),
        })
        {
            using var update = await client.PutAsync(path, UapiCalls.Json("""{"note":"x"}"""));
            await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "pce_id_invalid");
            using var delete = await client.DeleteAsync(path);
            await UapiCalls.AssertErrorAsync(delete, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        Assert.False((await _clients.ReadAsync(Extension, 2, id))!.Value.TryGetProperty("note", out _));
    }

    [Fact]
    public async Task DeletingByTypeRemovesOnlyThatTypeAndAnswersNoContentWhenThereIsNone()
    {
        var client = await _clients.UserAsync();
        using (await client.DeleteAsync(UapiCalls.Events("@me", "0003*211")))
        {
        }
        var dialIn = await Hooks.CreateAsync(client, "@me", "0003*211", type: 0);
        var hangups = new[] { await Hooks.CreateAsync(client, "@me", "0003*211", type: 2), await Hooks.CreateAsync(client, "@me", "0003*211", type: 2) };

        using var deleted = await client.DeleteAsync(UapiCalls.Events("@me", "0003*211", "2"));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(hangups.Order(StringComparer.Ordinal), (await UapiCalls.IdsAsync(deleted)).Order(StringComparer.Ordinal));
        Assert.Equal([dialIn], await _clients.IdsOnAsync("0003*211"));

        using var again = await client.DeleteAsync(UapiCalls.Events("@me", "0003*211", "2"));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal("", await again.Content.ReadAsStringAsync());

        using var one = await client.DeleteAsync(UapiCalls.Events("@me", "0003*211", "0", dialIn));
        using var gone = await client.DeleteAsync(UapiCalls.Events("@me", "0003*211", "0", dialIn));
        await UapiCalls.AssertErrorAsync(gone, HttpStatusCode.BadRequest, "pce_id_invalid");
    }
}
