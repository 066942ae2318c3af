using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// CsCheck generators of hostile requests: every route, its path segments valid, mangled or
/// percent-encoded; query strings; headers and tokens (real, missing, garbage, tampered); bodies
/// of every content type. Valid pieces are mixed in on purpose, so that each request gets past
/// some checks and trips a later one. No generated URL names a host: every hook URL is an IP
/// name that is never delivered to (crm.example.com), and the fixture's sender is off (nothing is delivered).
/// </summary>
public sealed class HostileGenerators(HostileFixture fixture)
{
    private const string HookUrl = "https://crm.example.com/hooks/";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "BREW"];

    // ---- text pieces ---------------------------------------------------------------------------

    /// <summary>Any UTF-16, lone surrogates and control characters included.</summary>
    private static readonly Gen<string> AnyText = Gen.String[0, 24];

    private static readonly Gen<string> Long = Gen.Int[1000, 9000].Select(n => new string('a', n));

    /// <summary>Percent-encodes every character but the unreserved ones (RFC 3986), as UTF-8; upper or lower hex.</summary>
    public static string Escape(string text, bool lower = false)
    {
        var escaped = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append('%').Append(b.ToString(lower ? "x2" : "X2", CultureInfo.InvariantCulture));
            }
        }
        return escaped.ToString();
    }

    /// <summary>Oddities a path segment may carry that Kestrel passes on to the application.</summary>
    private static readonly string[] SegmentJunk =
        ["%2F", "%2f", "%ZZ", "%", "%C0%AE", "%ED%A0%80", "%FF%FE", "%E2%80%AE", "%0D%0A", "%20", "+", ";", ";x=1", "%3B", "~", "!$&'()*,=", "%u0041", "%25", "%2A", "%40"];

    /// <summary>What Kestrel refuses itself, before the application (SECURITY.md): a bare 400.</summary>
    private static readonly string[] KestrelJunk = ["%00", "a%00b", "\u00e9", "\u00ff"];

    /// <summary>A path segment as generated: as is, all escaped, with junk, or replaced by junk.</summary>
    private static Gen<string> Segment(Gen<string> value) =>
        Gen.Select(value, Gen.Int[0, 9], Gen.OneOf(SegmentJunk), Gen.OneOf(KestrelJunk), Gen.Bool)
            .Select((v, mode, junk, kestrelJunk, lower) => mode switch
            {
                0 => Escape(v, lower),
                1 => Escape(v, lower) + junk,
                2 => junk + Escape(v, lower),
                3 => junk,
                4 => Escape(v, lower) + kestrelJunk,
                5 => string.Concat(Encoding.UTF8.GetBytes(v).Select(b => "%" + b.ToString(lower ? "x2" : "X2", CultureInfo.InvariantCulture))),
                _ => Escape(v, lower).Replace("%2A", "*", StringComparison.Ordinal).Replace("%40", "@", StringComparison.Ordinal),
            });

    private static Gen<string> UserIds => Gen.OneOf(
        Gen.OneOf("@me", "@viewer", "@owner", "@self", "user-0003-ana", "user-0003-ben", "user-0004-cam", "org-0003", "", "@ME"),
        AnyText, Long);

    private static Gen<string> Extensions => Gen.OneOf(
        Gen.OneOf(HostileFixture.Extension, "0003*211", "0003*212", "0004*210", "0003*250", "210", "@self", "", "0003*21", "00003*210", "0003-210", "0003**210"),
        AnyText, Long);

    private static Gen<string> Types => Gen.OneOf(Gen.OneOf("0", "1", "2", "3", "4", "5", "-1", "01", " 0", "0.0", "", "type"), AnyText);

    private Gen<string> EventIds => Gen.OneOf(
        Gen.Const(() => fixture.EventId), Gen.OneOf("", "x", "cl2ptZl3xiZ8B757q5oyKLc2v5YN4u", "..", "'; DROP TABLE phone_call_events; --"),
        Gen.Char['A', 'z'].Array[30].Select(a => new string(a)), AnyText, Long);

    private Gen<string> DeliveryIds => Gen.OneOf(Gen.Const(() => fixture.DeliveryId), Gen.OneOf("", "x", "LQHpsadbPyJva4BbCTyw5PAR"), AnyText);

    // ---- routes --------------------------------------------------------------------------------

    private static readonly string[] EventSuffixes =
        ["", "/{t}", "/{t}/{id}", "/{t}/{id}/deliveries", "/{t}/{id}/deliveries/replay", "/{t}/{id}/deliveries/{d}/replay", "/{t}/{id}/more", "/", "/{t}/"];

    /// <summary>The pages: the authorization endpoint and its sign-in, the console's (with generated segments).</summary>
    private static readonly string[] PageRoutes =
    [
        "/oauth/authorize", "/oauth/authorize.php", "/oauth/signin", "/oauth/signout", "/console", "/console/", "/console/signin", "/console/signout",
        "/console/extensions", "/console/extensions/{x}", "/console/extensions/{x}/test-call", "/console/extensions/{x}/events", "/console/extensions/{x}/events/new",
        "/console/extensions/{x}/events/{t}/{id}", "/console/extensions/{x}/events/{t}/{id}/edit", "/console/extensions/{x}/events/{t}/{id}/status",
        "/console/extensions/{x}/events/{t}/{id}/deliveries", "/console/extensions/{x}/events/{t}/{id}/deliveries/live",
        "/console/extensions/{x}/events/{t}/{id}/deliveries/{d}/replay", "/console/extensions/{x}/delete", "/console/consents",
        "/console/consents/{d}/revoke", "/console/x",
    ];

    /// <summary>A path on every route of the API (and some beside it), each segment generated.</summary>
    private Gen<(RouteKind Kind, string Path)> Paths => Gen.Frequency(
        (8, Gen.Select(Segment(UserIds), Segment(Extensions), Segment(Types), Segment(EventIds), Segment(DeliveryIds), Gen.OneOf(EventSuffixes))
            .Select((u, x, t, id, d, suffix) => (RouteKind.Uapi, $"/uapi/extensions/{u}/{x}/phoneCallEvents"
                + suffix.Replace("{t}", t, StringComparison.Ordinal).Replace("{id}", id, StringComparison.Ordinal).Replace("{d}", d, StringComparison.Ordinal)))),
        (2, Gen.Select(Gen.OneOf("/uapi/apps/{u}/signingSecret", "/uapi/apps/{u}/signingSecret/rotate", "/uapi/apps/{u}/signingSecret/{u}", "/uapi", "/uapi/",
                "/uapi/extensions", "/uapi/extensions/{u}", "/pbx/callEvents", "/pbx/callEvents/", "/pbx", "/pbx/callEvents/{u}"), Segment(UserIds), Gen.Bool)
            .Select((path, u, mangled) => (RouteKind.Uapi, path.Replace("{u}", mangled ? u : "@me", StringComparison.Ordinal)))),
        (2, Gen.OneOf("/oauth/token.php", "/oauth/token").Select(path => (RouteKind.Token, path))),
        (2, Gen.Select(Gen.OneOf(PageRoutes), Segment(Extensions), Segment(Types), Segment(EventIds), Segment(DeliveryIds))
            .Select((path, x, t, id, d) => (RouteKind.Page, path.Replace("{x}", x, StringComparison.Ordinal).Replace("{t}", t, StringComparison.Ordinal)
                .Replace("{id}", id, StringComparison.Ordinal).Replace("{d}", d, StringComparison.Ordinal)))),
        (1, Gen.OneOf("/", "/health", "/oauth", "/oauth/x", "/oauth/token.php/x", "/.well-known/openid-configuration", "/favicon.ico", "/uapi/../health", "/uapi/%2E%2E/health")
            .Select(path => (RouteKind.Other, path))));

    /// <summary>
    /// Whether Kestrel refuses this request target itself (SECURITY.md): an encoded NUL, a byte
    /// outside visible ASCII, or a request line over its 8 KiB limit. Decided on the target as a
    /// whole: a lone '%' of one segment and the digits of the next make a "%00" too.
    /// </summary>
    private static bool KestrelRefuses(string method, string target) =>
        target.Contains("%00", StringComparison.Ordinal) || target.Any(c => c is < '!' or > '~') || method.Length + target.Length > MaxRequestLine;

    // ---- query strings -------------------------------------------------------------------------

    private Gen<string> QueryValues => Gen.OneOf(
        Gen.OneOf("", "1", "20", "5000", "5001", "0", "-1", "1e3", "99999999999999999999", " 1", "url", "note", "type", "id,url", ",", "id,,url",
            "contains", "equals", "startsWith", "present", "descending", "ascending", "2026-12-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00",
            "garbage", "Bearer garbage", "Bearer "),
        Gen.Const(() => "Bearer " + fixture.UserToken), AnyText, Long);

    private Gen<string> Queries => Gen.Select(
            Gen.OneOf(Gen.OneOf("count", "startIndex", "filterBy", "filterOp", "filterValue", "sortOrder", "fields", "since", "accessRequestToken", "access_token", "", "="), AnyText),
            QueryValues, Gen.Bool, Gen.Bool)
        .Select((name, value, lower, bare) => bare ? Escape(name, lower) : Escape(name, lower) + "=" + Escape(value, lower))
        .Array[0, 6]
        .Select(parts => parts.Length == 0 ? "" : "?" + string.Join('&', parts));

    // ---- headers and tokens --------------------------------------------------------------------

    private Gen<string?> Authorizations => Gen.OneOf<string?>(
        Gen.Const((string?)null),
        Gen.Const<string?>(() => "Bearer " + fixture.UserToken),
        Gen.Const<string?>(() => "Bearer " + fixture.OrganizationToken),
        Gen.Const<string?>(() => "Bearer " + fixture.AdminToken),
        Gen.Const<string?>(() => "Bearer " + Tampered(fixture.UserToken)),
        Gen.Const<string?>(() => "bearer " + fixture.UserToken),
        Gen.Const<string?>(() => "Bearer " + fixture.UserToken + " x"),
        Gen.Const<string?>(() => "Bearer " + fixture.UserToken[..fixture.UserToken.LastIndexOf('.')] + "."),
        Gen.OneOf<string?>("Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTAwMDMtYW5hIn0.",
            "Bearer a.b.c", "Bearer ....", "Digest x", "Bearer " + new string('a', 9000)),
        Gen.Char['!', '~'].Array[0, 60].Select(a => (string?)("Bearer " + new string(a))));

    private static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

    private static readonly Gen<KeyValuePair<string, string>> ExtraHeaders = Gen.OneOf(
        Gen.OneOf(
            new KeyValuePair<string, string>("X-Forwarded-For", "203.0.113.9, 10.0.0.1"),
            new("X-Forwarded-Host", "evil.example"),
            new("X-Forwarded-Proto", "https"),
            new("Content-Encoding", "gzip"),
            new("Accept", "*/*;q=garbage"),
            new("Accept-Charset", "utf-16"),
            new("Expect", "100-continue"),
            new("Origin", "null"),
            new("Cookie", "a=b; ; =; c"),
            new("X-Http-Method-Override", "DELETE"),
            new("Range", "bytes=0-1,2-3")),
        Gen.Select(Gen.Char['a', 'z'].Array[1, 20], Gen.Char[' ', '~'].Array[0, 200])
            .Select((name, value) => new KeyValuePair<string, string>("X-" + new string(name), new string(value).Trim())));

    // ---- bodies --------------------------------------------------------------------------------

    private static readonly Gen<string> JsonNames = Gen.OneOf(
        Gen.OneOf("type", "method", "url", "status", "note", "id", "modified", "links", "event", "callId", "extension", "callerIdNum", "callerIdName",
            "calledDid", "calledExtension", "callerExtension", "calledNumber", "callStatus", "occurredAt", "Type", "\\u0074ype", "\\ud800", "", "__proto__"),
        AnyText.Select(text => JsonSerializer.Serialize(text)[1..^1]));

    /// <summary>JSON values as text: strings (escapes valid and not), numbers (huge, negative, not JSON), literals.</summary>
    private static readonly Gen<string> JsonLeaves = Gen.OneOf(
        Gen.OneOf("\"0\"", "\"1\"", "\"2\"", "\"4\"", "\"5\"", "\"\"", "\"dial-in\"", "\"hangup\"", "\"answer-out\"", "\"BUSY\"", "\"CALLING\"", "\"0003*210\"", "\"0003*211\"",
            "\"2026-12-01T00:00:00Z\"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\uZZZZ\"", "\"\\x\"", "\"unterminated",
            "0", "1", "4", "5", "-1", "1.5", "1e400", "-0", "99999999999999999999999", "0x1", "01", "NaN", "Infinity", "true", "false", "null"),
        AnyText.Select(text => JsonSerializer.Serialize(text)),
        Gen.Select(Gen.Char['!', '~'].Array[0, 40], Gen.Bool).Select((path, space) => JsonSerializer.Serialize(HookUrl + new string(path) + (space ? " x" : ""))),
        Long.Select(text => "\"" + text + "\""));

    private static Gen<string> JsonValues(int depth) => depth == 0
        ? JsonLeaves
        : Gen.Frequency((8, JsonLeaves), (1, JsonObjects(depth - 1)), (1, JsonValues(depth - 1).Array[0, 5].Select(items => "[" + string.Join(',', items) + "]")));

    private static Gen<string> JsonObjects(int depth) =>
        Gen.Select(JsonNames, JsonValues(depth)).Array[0, 8]
            .Select(fields => "{" + string.Join(',', fields.Select(f => "\"" + f.Item1 + "\":" + f.Item2)) + "}");

    /// <summary>A Create/Update body that is valid but for what the generator chose to break.</summary>
    private static readonly Gen<string> NearlyValidEvents =
        Gen.Select(Gen.OneOf("0", "1", "4", "5"), Gen.OneOf("0", "1", "2"), JsonLeaves, Gen.OneOf("", ",\"status\":\"0\"", ",\"url\":\"https://crm.example.com/\"", ",\"x\":1"))
            .Select((type, method, note, extra) => $$"""{"type":"{{type}}","method":"{{method}}","url":"{{HookUrl}}a","note":{{note}}{{extra}}}""");

    /// <summary>An intake report: one event, or an array (up to past the limit of 100).</summary>
    private static readonly Gen<string> Reports =
        Gen.Select(Gen.OneOf("dial-in", "hangup", "answer-in", "ring"), Gen.OneOf(HostileFixture.Extension, "0003*211", "210", "0009*999"), JsonLeaves, Gen.OneOf("", ",\"callStatus\":\"BUSY\""))
            .Select((kind, extension, value, extra) => $$"""{"event":"{{kind}}","callId":"hostile","extension":"{{extension}}","callerIdName":{{value}}{{extra}}}""")
            .Array[0, 110].Select(items => items.Length == 1 ? items[0] : "[" + string.Join(',', items) + "]");

    private static readonly Gen<string> JsonBodies = Gen.Frequency(
        (6, JsonObjects(2)),
        (6, NearlyValidEvents),
        (3, Reports),
        (2, Gen.Select(Gen.Int[10, 400], Gen.Bool).Select((depth, arrays) => arrays
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
        (2, Gen.Select(NearlyValidEvents, Gen.Int[0, 200], Gen.Char).Select((json, cut, c) => json[..Math.Min(cut, json.Length)] + c)),
        (1, NearlyValidEvents.Select(json => "\uFEFF" + json)),
        (1, NearlyValidEvents.Select(json => json + "garbage")),
        (1, NearlyValidEvents.Select(json => json.Replace("\"note\":", "\"note\":1,\"note\":", StringComparison.Ordinal))),
        (1, Gen.OneOf("null", "42", "\"s\"", "[]", "{}", "", " ", "\uFEFF", "\u0000")),
        (1, Gen.OneOf(70_000, 1_100_000).Select(n => "{\"note\":\"" + new string('n', n) + "\"}")));

    private Gen<string> Forms => Gen.Select(
            Gen.Frequency((5, Gen.Int[0, 8]), (2, Gen.Int[1025, 3000])),
            Gen.Frequency((5, Gen.Int[1, 12]), (1, Gen.Int[2049, 6000])),
            QueryValues, Gen.Int[0, 4])
        .Select((count, keyLength, value, credentials) =>
        {
            var user = fixture.Host.Demo.Apps!.User;
            var fields = credentials switch
            {
                0 => $"grant_type=client_credentials&client_id={user.ClientId}&client_secret={user.ClientSecret}&",
                1 => $"grant_type=client_credentials&client_id={user.ClientId}&client_secret=wrong&",
                2 => $"grant_type=password&client_id={user.ClientId}&client_id=other&",
                _ => "",
            };
            return fields + string.Join('&', Enumerable.Range(0, count).Select(i =>
                new string('k', keyLength) + i.ToString(CultureInfo.InvariantCulture) + "=" + Escape(value)));
        });

    private static readonly Gen<string> Multiparts = Gen.OneOf(
        "--XyZ\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--XyZ--\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nunterminated",
        "--other\r\n\r\n--other--",
        "--XyZ\r\n" + new string('h', 20_000) + "\r\n\r\nx\r\n--XyZ--\r\n",
        "no boundary at all");

    private static readonly string?[] ContentTypes =
    [
        null, "application/json", "application/json; charset=utf-8", "text/json", "application/problem+json", "application/json; charset=utf-16",
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=bogus", "application/x-www-form-urlencodedx", "multipart/form-data; boundary=XyZ", "multipart/form-data",
        "text/plain", "application/octet-stream", "", ";;;", "*/*", "application/", "json",
    ];

    /// <summary>A body and the Content-Type sent with it: mostly the one that fits, sometimes any other.</summary>
    private Gen<(byte[] Body, string? ContentType)> BodiesAndContentTypes => Gen.Select(
            Gen.Frequency(
                (6, JsonBodies.Select(text => (Encoding.UTF8.GetBytes(text), (string?)"application/json"))),
                (3, Forms.Select(text => (Encoding.UTF8.GetBytes(text), (string?)"application/x-www-form-urlencoded"))),
                (1, Multiparts.Select(text => (Encoding.UTF8.GetBytes(text), (string?)"multipart/form-data; boundary=XyZ"))),
                (1, AnyText.Select(text => (Encoding.UTF8.GetBytes(text), (string?)"text/plain"))),
                (1, Gen.Byte.Array[0, 2000].Select(bytes => (bytes, (string?)"application/octet-stream"))),
                (1, Gen.Const((Array.Empty<byte>(), (string?)null)))),
            Gen.Int[0, 2], Gen.OneOf(ContentTypes))
        .Select((body, mode, other) => mode == 0 ? (body.Item1, other) : body);

    private static readonly Gen<int> ChunkSizes = Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 4096]));

    // ---- requests ------------------------------------------------------------------------------

    /// <summary>Every route, its path, query and headers generated; a body now and then.</summary>
    public Gen<HostileRequest> PathsQueriesAndHeaders => Gen.Select(
            Paths, Gen.OneOf(Methods), Queries, Authorizations, ExtraHeaders.Array[0, 3], Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))), NearlyValidEvents)
        .Select((path, method, query, authorization, extra, withBody, json) => new HostileRequest(
            path.Kind, method, path.Path + query, Headers(authorization, extra, withBody ? "application/json" : null),
            withBody ? Encoding.UTF8.GetBytes(json) : null, 0, KestrelRefuses(method, path.Path + query)));

    /// <summary>Kestrel's limit on the request line (KestrelServerLimits.MaxRequestLineSize, 8 KiB), less room for " HTTP/1.1".</summary>
    private const int MaxRequestLine = 8 * 1024 - 16;

    /// <summary>Query strings on the routes that read one, on valid paths, with a token that may use them.</summary>
    public Gen<HostileRequest> QueriesOnValidPaths => Gen.Select(
            Gen.OneOf(
                ("GET", Events), ("GET", Events + "/0"), ("GET", Events + "/0/{id}"), ("GET", Events + "/0/{id}/deliveries"),
                ("POST", Events + "/0/{id}/deliveries/replay"), ("DELETE", Events + "/3"), ("GET", "/uapi/apps/@me/signingSecret")),
            Queries, Gen.Bool)
        .Select((route, query, header) =>
        {
            var target = route.Item2.Replace("{id}", fixture.EventId, StringComparison.Ordinal) + query;
            return new HostileRequest(RouteKind.Uapi, route.Item1, target, Headers(header ? "Bearer " + fixture.UserToken : null, [], null), null, 0,
                KestrelRefuses(route.Item1, target));
        });

    private const string Events = $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents";

    /// <summary>The routes that read a body (and some that ignore one), on valid paths, mostly with a token that may use them.</summary>
    public Gen<HostileRequest> BodiesOnEveryRoute => Gen.Select(
            Gen.OneOf(
                ("POST", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents", "user"),
                ("POST", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents/0", "organization"),
                ("PUT", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents/0/{{id}}", "user"),
                ("POST", "/pbx/callEvents", "admin"),
                ("POST", "/pbx/callEvents", "user"),
                ("POST", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents/0/{{id}}/deliveries/replay?since=2026-01-01T00:00:00Z", "user"),
                ("POST", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents/0/{{id}}/deliveries/{{d}}/replay", "user"),
                ("POST", "/uapi/apps/@me/signingSecret/rotate", "organization"),
                ("DELETE", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents/0/cl2ptZl3xiZ8B757q5oyKLc2v5YN4u", "user"),
                ("POST", "/oauth/token.php", "none"),
                ("POST", "/oauth/token", "none"),
                ("POST", $"/uapi/extensions/@me/{HostileFixture.Extension}/phoneCallEvents", "none")),
            BodiesAndContentTypes, ChunkSizes, ExtraHeaders.Array[0, 1])
        .Select((route, body, chunkSize, extra) => new HostileRequest(
            route.Item2.StartsWith("/oauth", StringComparison.Ordinal) ? RouteKind.Token : RouteKind.Uapi,
            route.Item1,
            route.Item2.Replace("{id}", fixture.EventId, StringComparison.Ordinal).Replace("{d}", fixture.DeliveryId, StringComparison.Ordinal),
            Headers(route.Item3 switch
            {
                "user" => "Bearer " + fixture.UserToken,
                "organization" => "Bearer " + fixture.OrganizationToken,
                "admin" => "Bearer " + fixture.AdminToken,
                _ => null,
            }, extra, body.ContentType),
            body.Body, chunkSize, false));

    private static List<KeyValuePair<string, string>> Headers(string? authorization, IEnumerable<KeyValuePair<string, string>> extra, string? contentType)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (authorization is not null)
        {
            headers.Add(new("Authorization", authorization));
        }
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }
        headers.AddRange(extra);
        return headers;
    }
}
