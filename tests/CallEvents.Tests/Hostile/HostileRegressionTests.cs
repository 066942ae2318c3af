using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// One test per bug that hostile input found, named after what it was. Each request also passes
/// the fixture's checks: nothing written when refused, at most one log line, no error logged.
/// </summary>
public sealed class HostileRegressionTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    private const string Events = $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents";
    private const string Form = "application/x-www-form-urlencoded";

    private string User => "Bearer " + fixture.UserToken;

    private string Credentials
    {
        get
        {
            var app = fixture.Host.Demo.Apps!.User;
            return $"grant_type=client_credentials&client_id={app.ClientId}&client_secret={app.ClientSecret}";
        }
    }

    private static async Task AssertTokenErrorAsync(Task<RawHttp.Response> sending, string error = "invalid_request")
    {
        var response = await sending;
        Assert.True(response.Status == 400, response.ToString());
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error_description").GetString()));
    }

    private static async Task AssertUapiErrorAsync(Task<RawHttp.Response> sending, int status, string code)
    {
        var response = await sending;
        Assert.True(response.Status == status, response.ToString());
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private Task<RawHttp.Response> TokenAsync(string body, string contentType = Form, int chunkSize = 0) =>
        fixture.SendAsync(HostileFixture.Request(RouteKind.Token, "POST", "/oauth/token.php", body, contentType, chunkSize: chunkSize));

    // ---- the token endpoint: OpenIddict read the form, ASP.NET Core's exceptions came through as 500

    [Fact]
    public Task AFormWithTwoThousandFieldsOnTheTokenEndpointIsInvalidRequestNot500() =>
        AssertTokenErrorAsync(TokenAsync(Credentials + string.Concat(Enumerable.Range(0, 2000).Select(i => "&f" + i.ToString(CultureInfo.InvariantCulture) + "="))));

    [Fact]
    public Task AFormFieldNameOfFiveThousandCharactersOnTheTokenEndpointIsInvalidRequestNot500() =>
        AssertTokenErrorAsync(TokenAsync(Credentials + "&" + new string('k', 5000) + "=v"));

    [Fact]
    public Task AContentTypeThatOnlyStartsLikeAFormOnTheTokenEndpointIsInvalidRequestNot500() =>
        AssertTokenErrorAsync(TokenAsync(Credentials, Form + "x"));

    [Fact]
    public Task AFormOverSixtyFourKibOnTheTokenEndpointIsInvalidRequestNotTheUapiEnvelope() =>
        AssertTokenErrorAsync(TokenAsync(Credentials + "&pad=" + new string('p', 70_000)));

    [Fact]
    public Task ABadlyChunkedFormOnTheTokenEndpointIsInvalidRequestNotTheUapiEnvelope() =>
        AssertTokenErrorAsync(fixture.SendAsync(new HostileRequest(RouteKind.Token, "POST", "/oauth/token.php",
            [new("Content-Type", Form), new("Transfer-Encoding", "chunked")], Encoding.ASCII.GetBytes("zz\r\nabc\r\n0\r\n\r\n"), 0, false)));

    [Fact]
    public async Task AGoodFormStillGetsATokenAfterAllThis()
    {
        var response = await TokenAsync(Credentials, chunkSize: 7);
        Assert.True(response.Status == 200, response.ToString());
    }

    // ---- the UAPI without a valid token: OpenIddict validation looked for a token in the form body

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer garbage")]
    public async Task AFormWithTwoThousandFieldsAndNoValidTokenOnTheUapiIsAccessDeniedNot500(string? authorization)
    {
        var body = string.Concat(Enumerable.Range(0, 2000).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture) + "=&"));
        await AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", Events, body, Form, authorization)), 401, "access_denied");
        await AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "GET", Events, new string('k', 5000) + "=v", Form, authorization)), 401, "access_denied");
    }

    [Fact]
    public async Task AnAccessTokenInAFormBodyIsNotATokenOfTheUapi()
    {
        var body = "access_token=" + fixture.UserToken;
        await AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "GET", Events, body, Form)), 401, "access_denied");
    }

    // ---- JSON: an escaped lone surrogate parsed, and GetString() threw InvalidOperationException

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00")]
    [InlineData("a\\ud83d")]
    [InlineData("\\ud83dA")]
    public Task ALoneSurrogateInTheNoteIsRequestInvalidNot500(string note) =>
        AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", Events,
            $$"""{"type":"0","method":"1","url":"https://crm.example.com/a","note":"{{note}}"}""", "application/json", User)), 400, "request_invalid");

    [Fact]
    public async Task ALoneSurrogateInTheUrlOfAnUpdateIsRequestInvalidNot500()
    {
        await fixture.EnsureEventAsync();
        await AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "PUT", $"{Events}/0/{fixture.EventId}",
            """{"url":"https://crm.example.com/\ud800"}""", "application/json", User)), 400, "request_invalid");
    }

    [Fact]
    public Task ALoneSurrogateInAFieldNameIsRequestInvalidNot500() =>
        AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", Events,
            """{"type":"0","method":"1","url":"https://crm.example.com/a","\udfff":1}""", "application/json", User)), 400, "request_invalid");

    [Fact]
    public Task ALoneSurrogateInAnIntakeReportIsRequestInvalidAndQueuesNothing() =>
        AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", "/pbx/callEvents",
            $$"""[{"event":"dial-in","callId":"ok","extension":"{{HostileFixture.Extension}}"},{"event":"dial-in","callId":"\ud800","extension":"{{HostileFixture.Extension}}"}]""",
            "application/json", "Bearer " + fixture.AdminToken)), 400, "request_invalid");

    [Fact]
    public async Task AValidSurrogatePairInTheNoteIsStoredAndReadBackWhole()
    {
        var response = await fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", Events,
            """{"type":"1","method":"1","url":"https://crm.example.com/pair","note":"\ud83d\ude00 \u00e9"}""", "application/json", User));
        Assert.True(response.Status == 200, response.ToString());
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("\U0001F600 \u00e9", json.RootElement[0].GetProperty("note").GetString());
    }

    // ---- JSON: a field sent twice was taken by whichever reader came last

    [Theory]
    [InlineData("""{"type":"0","method":"1","url":"https://crm.example.com/a","url":"https://crm.example.com/b"}""")]
    [InlineData("""{"type":"0","method":"1","url":"https://crm.example.com/a","\u0075rl":"https://crm.example.com/b"}""")]
    public Task AFieldSentTwiceIsRequestInvalidAndWritesNothing(string body) =>
        AssertUapiErrorAsync(fixture.SendAsync(HostileFixture.Request(RouteKind.Uapi, "POST", Events, body, "application/json", User)), 400, "request_invalid");

    // ---- a parsed body read the pooled buffer it was parsed from after that buffer went back to the pool

    [Fact]
    public async Task AParsedBodyDoesNotChangeWhenItsReadBufferIsReused()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("""{"note":"the original note"}"""u8.ToArray());
        using var document = await UapiBody.ReadJsonAsync(context.Request, CancellationToken.None);
        // The same thread, the same size: ArrayPool.Shared hands back the buffer the body was read into.
        var reused = ArrayPool<byte>.Shared.Rent(UapiBody.MaxBytes + 1);
        reused.AsSpan().Fill((byte)'x');
        try
        {
            Assert.Equal("the original note", document.RootElement.GetProperty("note").GetString());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(reused);
        }
    }

    // ---- a client that reset its connection in the middle of its body was logged as a server fault

    [Theory]
    [InlineData(Events, "user", "application/json")]
    [InlineData("/pbx/callEvents", "admin", "application/json")]
    [InlineData("/oauth/token.php", "none", Form)]
    public async Task AClientThatResetsItsConnectionInTheMiddleOfItsBodyLeavesNoErrorInTheLog(string path, string app, string contentType)
    {
        var mark = fixture.Logs.Count;
        var server = fixture.Host.BaseAddress;
        var authorization = app switch
        {
            "user" => $"Authorization: {User}\r\n",
            "admin" => $"Authorization: Bearer {fixture.AdminToken}\r\n",
            _ => "",
        };
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(server.Host, server.Port);
            var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\n{authorization}Content-Type: {contentType}\r\nContent-Length: 10000\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head + """{"type":"0","method":"1","note":"""));
            await Task.Delay(200); // the server is now waiting for the rest of the body
            socket.LingerState = new LingerOption(true, 0); // close with a reset, not a FIN
        }
        // Nothing tells a client when the server is done with a connection it reset: a bounded
        // wait for an error line, which the old code logged (with its stack trace) within milliseconds.
        for (var i = 0; i < 20 && !fixture.Logs.Since(mark).Any(line => line.Level >= Microsoft.Extensions.Logging.LogLevel.Error); i++)
        {
            await Task.Delay(100);
        }
        Assert.DoesNotContain(fixture.Logs.Since(mark), line => line.Level >= Microsoft.Extensions.Logging.LogLevel.Error || line.Exception is not null);
    }
}
