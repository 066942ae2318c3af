using System.Net;
using System.Text;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>
/// Create and Update bodies (contract §6, §7): each bad field gets its own code, a bad body is
/// request_invalid, an oversized one request_too_large; none of them writes anything.
/// </summary>
public sealed class BodyErrorsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Extension = "0003*210";
    private readonly DemoClients _clients = new(fixture.Host);

    public static TheoryData<string, string> BadCreateBodies() => new()
    {
        { """{"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":"5","method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":"-1","method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":"01","method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":5,"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":1.5,"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":99999999999,"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":true,"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":null,"method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":"x","method":"1","url":"https://crm.example.com/a"}""", "pcet_type_invalid" },
        { """{"type":"0","url":"https://crm.example.com/a"}""", "pce_method_invalid" },
        { """{"type":"0","method":"2","url":"https://crm.example.com/a"}""", "pce_method_invalid" },
        { """{"type":"0","method":"GET","url":"https://crm.example.com/a"}""", "pce_method_invalid" },
        { """{"type":"0","method":[1],"url":"https://crm.example.com/a"}""", "pce_method_invalid" },
        { """{"type":"0","method":null,"url":"https://crm.example.com/a"}""", "pce_method_invalid" },
        { """{"type":"0","method":"1"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":""}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":null}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":42}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"/relative/path"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"crm.example.com/a"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"ftp://crm.example.com/a"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"javascript:alert(1)"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a b"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a\u0001b"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a\u007Fb"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a\tb"}""", "pce_url_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","status":"2"}""", "pce_status_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","status":"on"}""", "pce_status_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","status":-1}""", "pce_status_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","status":null}""", "pce_status_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","note":42}""", "pce_note_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","note":{"a":1}}""", "pce_note_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","note":"a\u0000b"}""", "pce_note_invalid" },
        { "{\"type\":\"0\",\"method\":\"1\",\"url\":\"https://crm.example.com/a\",\"note\":\"" + new string('n', 1025) + "\"}", "pce_note_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","extra":"1"}""", "request_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a","Type":"0"}""", "request_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a",}""", "request_invalid" },
        { """{"type":"0","method":"1","url":"https://crm.example.com/a\u""" + "\"}", "request_invalid" },
        { """{"type":"0" "method":"1"}""", "request_invalid" },
        { """[{"type":"0","method":"1","url":"https://crm.example.com/a"}]""", "request_invalid" },
        { "\"just a string\"", "request_invalid" },
        { "null", "request_invalid" },
        { "42", "request_invalid" },
        { "{", "request_invalid" },
        { "{}garbage", "request_invalid" },
        { "type=0&method=1", "request_invalid" },
        { new string('[', 100) + new string(']', 100), "request_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadCreateBodies))]
    public async Task ABadCreateBodyGetsTheCodeOfItsFirstBadFieldAndWritesNothing(string body, string code)
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync(Extension);
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(body));
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await _clients.IdsOnAsync(Extension));
    }

    public static TheoryData<string> RefusedDestinations() => new()
    {
        "http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://[::1]/", "http://0x7f.1/", "http://0x7f000001/", "http://2130706433/",
        "http://017700000001/", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/",
        "http://localhost/", "http://LOCALHOST:5080/", "http://localhost./", "http://api.localhost/", "http://0.0.0.0/", "http://10.0.0.1/", "http://192.168.1.1/",
        "http://172.16.0.1/", "http://[fe80::1]/", "http://[fd00::1]/", "http://224.0.0.1/", "https://user:pw@127.0.0.1/",
    };

    [Theory]
    [MemberData(nameof(RefusedDestinations))]
    public async Task ARefusedDestinationIsPceUrlInvalidOnCreateAndUpdate(string url)
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", Extension, type: 1, url: "https://crm.example.com/kept");
        var before = await _clients.IdsOnAsync(Extension);

        using var create = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", url }));
        await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");
        using var update = await client.PutAsync(UapiCalls.Events("@me", Extension, "1", id), UapiCalls.Json(new { url }));
        await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "pce_url_invalid");

        Assert.Equal(before, await _clients.IdsOnAsync(Extension));
        Assert.Equal("https://crm.example.com/kept", (await _clients.ReadAsync(Extension, 1, id))!.Value.GetProperty("url").GetString());
    }

    [Fact]
    public async Task AUrlOfExactly2048CharactersIsAcceptedAndOneMoreIsNot()
    {
        var client = await _clients.UserAsync();
        const string prefix = "https://crm.example.com/";
        var longest = prefix + new string('a', 2048 - prefix.Length);
        using var ok = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", url = longest }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var tooLong = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", url = longest + "a" }));
        await UapiCalls.AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "pce_url_invalid");
        var note = new string('n', 1024);
        using var noteOk = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", url = prefix, note }));
        Assert.Equal(HttpStatusCode.OK, noteOk.StatusCode);
    }

    public static TheoryData<string, string> BadUpdateBodies() => new()
    {
        { """{"type":"2"}""", "pce_type_invalid" },
        { """{"type":"x"}""", "pce_type_invalid" },
        { """{"type":7}""", "pce_type_invalid" },
        { """{"method":"2"}""", "pce_method_invalid" },
        { """{"method":null}""", "pce_method_invalid" },
        { """{"url":"not a url"}""", "pce_url_invalid" },
        { """{"url":null}""", "pce_url_invalid" },
        { """{"status":"3"}""", "pce_status_invalid" },
        { """{"status":null}""", "pce_status_invalid" },
        { "{\"note\":\"" + new string('n', 1025) + "\"}", "pce_note_invalid" },
        { """{"note":false}""", "pce_note_invalid" },
        { """{"method":"0","unknown":1}""", "request_invalid" },
        { """[]""", "request_invalid" },
        { """{"method":"0""", "request_invalid" },
        // The first bad field in the documented order wins, and nothing of the good ones is kept.
        { """{"method":"0","url":"https://crm.example.com/changed","status":"9"}""", "pce_status_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadUpdateBodies))]
    public async Task ABadUpdateBodyGetsItsCodeAndChangesNothing(string body, string code)
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", Extension, type: 3, url: "https://crm.example.com/original", method: 1, note: "original");
        var before = (await _clients.ReadAsync(Extension, 3, id))!.Value.GetRawText();

        using var response = await client.PutAsync(UapiCalls.Events("@me", Extension, "3", id), UapiCalls.Json(body));
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, (await _clients.ReadAsync(Extension, 3, id))!.Value.GetRawText());
    }

    public static TheoryData<string?> WrongContentTypes() => new() { "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", null };

    [Theory]
    [MemberData(nameof(WrongContentTypes))]
    public async Task ABodyThatIsNotJsonIsRequestInvalid(string? contentType)
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync(Extension);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(contentType is null ? "type=0&method=1&url=https%3A%2F%2Fcrm.example.com%2F" : """{"type":"0","method":"1","url":"https://crm.example.com/ct"}"""));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension), content);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "request_invalid");
        Assert.Equal(before, await _clients.IdsOnAsync(Extension));
    }

    [Fact]
    public async Task InvalidUtf8IsRequestInvalidNotAServerError()
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync(Extension);
        byte[] json = [.. Encoding.UTF8.GetBytes("{\"type\":\"0\",\"method\":\"1\",\"url\":\"https://crm.example.com/a\",\"note\":\"x"), 0xC3, 0x28, (byte)'"', (byte)'}'];
        var content = new ByteArrayContent(json);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension), content);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "request_invalid");
        Assert.Equal(before, await _clients.IdsOnAsync(Extension));
    }

    [Fact]
    public async Task AUtf8ByteOrderMarkBeforeTheJsonIsAccepted()
    {
        var client = await _clients.UserAsync();
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"type":"0","method":"1","url":"https://crm.example.com/bom","note":"é"}""")]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        using var response = await client.PostAsync(UapiCalls.Events("@me", Extension), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("é", (await UapiCalls.ReadJsonAsync(response))[0].GetProperty("note").GetString());
    }

    [Fact]
    public async Task AnEmptyBodyIsRequestInvalidOnCreateAndUpdate()
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", Extension, type: 0);
        var before = await _clients.IdsOnAsync(Extension);
        using var create = await client.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(""));
        await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "request_invalid");
        using var noContent = await client.PostAsync(UapiCalls.Events("@me", Extension), null);
        await UapiCalls.AssertErrorAsync(noContent, HttpStatusCode.BadRequest, "request_invalid");
        using var update = await client.PutAsync(UapiCalls.Events("@me", Extension, "0", id), UapiCalls.Json(""));
        await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "request_invalid");
        Assert.Equal(before, await _clients.IdsOnAsync(Extension));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ABodyOver64KiBIsRequestTooLarge(bool chunked)
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync(Extension);
        var note = new string('n', 64 * 1024);
        var json = "{\"type\":\"0\",\"method\":\"1\",\"url\":\"https://crm.example.com/big\",\"note\":\"" + note + "\"}";
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            : new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, UapiCalls.Events("@me", Extension)) { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        using var response = await client.SendAsync(request);
        await UapiCalls.AssertErrorAsync(response, (HttpStatusCode)413, "request_too_large");
        Assert.Equal(before, await _clients.IdsOnAsync(Extension));

        // Far over Kestrel's own limit too: still the envelope.
        var huge = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        huge.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        // As curl does for large bodies: Expect: 100-continue lets the server refuse before the
        // body is sent. Without it the server's early answer races the client's writes, and the
        // client may see its connection closed (broken pipe) before it reads the 413.
        using var hugeRequest = new HttpRequestMessage(HttpMethod.Post, UapiCalls.Events("@me", Extension)) { Content = huge };
        hugeRequest.Headers.ExpectContinue = true;
        using var hugeResponse = await client.SendAsync(hugeRequest);
        await UapiCalls.AssertErrorAsync(hugeResponse, (HttpStatusCode)413, "request_too_large");
    }
}
