using System.Text;
using System.Text.Json;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// SECURITY.md, "What the HTTP server refuses before the application": each row of its table,
/// sent as written. Kestrel answers the first group itself with an empty body (the application
/// never sees the request); the second reaches the application, which answers in JSON.
/// </summary>
public sealed class HttpServerRefusalTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    private const string Events = $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents";

    /// <summary>name, the request ({host} and {token} filled in), the status, and the code or error of a JSON answer (empty: a bare answer).</summary>
    public static TheoryData<string, string, int, string> Rows() => new()
    {
        { "a request line over 8 KiB", $"GET /uapi/{new string('a', 9000)} HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 414, "" },
        { "a header over 32 KiB", $"GET {Events} HTTP/1.1\r\nHost: {{host}}\r\nX-Big: {new string('a', 33 * 1024)}\r\n\r\n", 431, "" },
        { "more than 100 headers", $"GET {Events} HTTP/1.1\r\nHost: {{host}}\r\n{string.Concat(Enumerable.Range(0, 101).Select(i => $"X-{i}: a\r\n"))}\r\n", 431, "" },
        { "an encoded NUL in the path", $"GET {Events}%00 HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 400, "" },
        { "a byte outside ASCII in the request line", $"GET /uapi/\u00e9 HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 400, "" },
        { "no Host header", $"GET {Events} HTTP/1.1\r\n\r\n", 400, "" },
        { "two Host headers", $"GET {Events} HTTP/1.1\r\nHost: {{host}}\r\nHost: {{host}}\r\n\r\n", 400, "" },
        { "an invalid Host", $"GET {Events} HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "" },
        { "an absolute-form target for another host", $"GET http://other.invalid{Events} HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 400, "" },
        { "a Content-Length that is not a number", "POST /pbx/callEvents HTTP/1.1\r\nHost: {host}\r\nContent-Length: abc\r\n\r\n", 400, "" },
        { "two Content-Lengths", "POST /pbx/callEvents HTTP/1.1\r\nHost: {host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "" },
        { "a Transfer-Encoding that does not end in chunked", "POST /pbx/callEvents HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, "" },
        { "whitespace before a header's colon", $"GET {Events} HTTP/1.1\r\nHost: {{host}}\r\nX-A : b\r\n\r\n", 400, "" },
        { "a folded header line", $"GET {Events} HTTP/1.1\r\nHost: {{host}}\r\nX-A: b\r\n c\r\n\r\n", 400, "" },
        { "a control character in the method", $"G\u0001T {Events} HTTP/1.1\r\nHost: {{host}}\r\n\r\n", 400, "" },
        { "an unknown HTTP version", $"GET {Events} HTTP/1.7\r\nHost: {{host}}\r\n\r\n", 505, "" },

        { "bad chunk framing in a UAPI body", $"POST {Events} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\nAuthorization: Bearer {{token}}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n", 400, "request_invalid" },
        { "a UAPI body over 64 KiB by its Content-Length", $"POST {Events} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\nAuthorization: Bearer {{token}}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{{}}", 413, "request_too_large" },
        { "a chunked UAPI body over 64 KiB", $"POST {Events} HTTP/1.1\r\nHost: {{host}}\r\nConnection: close\r\nAuthorization: Bearer {{token}}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{string.Concat(Enumerable.Repeat("4000\r\n" + new string('a', 0x4000) + "\r\n", 5))}0\r\n\r\n", 413, "request_too_large" },
        { "bad chunk framing in a token request", "POST /oauth/token.php HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\na=b\r\n0\r\n\r\n", 400, "invalid_request" },
        { "a token request over 64 KiB", "POST /oauth/token.php HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\na=b", 400, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task WhatTheHttpServerRefusesIsAnsweredAsSecurityMdSays(string name, string request, int status, string code)
    {
        var bytes = Encoding.Latin1.GetBytes(request
            .Replace("{host}", fixture.Host.BaseAddress.Authority, StringComparison.Ordinal)
            .Replace("{token}", fixture.UserToken, StringComparison.Ordinal));
        var kind = request.Contains("/oauth/", StringComparison.Ordinal) ? RouteKind.Token : RouteKind.Uapi;
        var response = await fixture.SendAsync(bytes);
        Assert.True(response.Status == status, $"{name}: {response}");
        if (code.Length == 0)
        {
            Assert.True(response.Body.Length == 0 && response.ContentType is null, $"{name}: {response}");
            return;
        }
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(response.Body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, kind == RouteKind.Token ? error.GetString() : error.GetProperty("code").GetString());
    }
}
