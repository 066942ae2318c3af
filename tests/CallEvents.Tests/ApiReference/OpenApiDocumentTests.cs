using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallEvents.ApiReference;
using CallEvents.Tests.Infrastructure;
using CallEvents.Uapi;

namespace CallEvents.Tests.ApiReference;

/// <summary>
/// The OpenAPI document served at /openapi/v1.json: committed as docs/openapi.json, complete
/// (every error an operation answers is declared there), and the interactive reference at /docs
/// loads nothing from elsewhere. After an intended change to the API, refresh the committed file
/// with <c>CALLEVENTS_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests</c>.
/// </summary>
public sealed partial class OpenApiDocumentTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Committed = "docs/openapi.json";

    private CallEventsHost Host => fixture.Host;

    private async Task<JsonNode> ServedAsync()
    {
        using var response = await Host.Http.GetAsync(ApiReferenceSetup.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task TheServedDocumentIsTheCommittedOne()
    {
        var served = await ServedAsync();
        var path = RepositoryFiles.PathOf(Committed);
        if (Environment.GetEnvironmentVariable("CALLEVENTS_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served.ToJsonString(new() { WriteIndented = true }) + "\n");
        }
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.True(JsonNode.DeepEquals(served, committed),
            $"{Committed} differs from {ApiReferenceSetup.DocumentPath}; if the API change is intended, run CALLEVENTS_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests");
    }

    [Fact]
    public async Task TheDocumentIsOpenApi31WithItsSecuritySchemesAndNoServerFromTheHostHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiReferenceSetup.DocumentPath);
        // A host other than the test's own, yet one host filtering allows (a foreign one gets 400: Links/AllowedHostsTests).
        request.Headers.Host = "[::1]:1";
        using var response = await Host.Http.SendAsync(request);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("::1", document.ToJsonString(), StringComparison.Ordinal);
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("/oauth/token.php", schemes["oauth2"]!["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>());
        Assert.Equal("bearer", schemes["bearer"]!["scheme"]!.GetValue<string>());
        Assert.Equal("accessRequestToken", schemes["accessRequestToken"]!["name"]!.GetValue<string>());
    }

    /// <summary>Every error the handlers can throw is declared by at least one operation (routing-level 405/501/500 are in the description).</summary>
    [Fact]
    public async Task EveryUapiErrorIsDeclaredBySomeOperation()
    {
        var document = (await ServedAsync()).ToJsonString();
        var errors = typeof(UapiError).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(UapiError))
            .Select(f => (UapiError)f.GetValue(null)!)
            .Where(e => e.Status is not (405 or 501 or 500));
        foreach (var error in errors)
        {
            Assert.Contains($"\"code\":\"{error.Code}\"", document, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string, string, string, string?, int, string> Outcomes => new()
    {
        // operation id, who asks, method, path, body (JSON unless it starts with "form:"), status, code
        { "listPhoneCallEvents", "user", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents?count=0", null, 400, "count_invalid" },
        { "listPhoneCallEvents", "user", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents?filterOp=around", null, 400, "filterop_invalid" },
        { "listPhoneCallEvents", "user", "GET", "/uapi/extensions/nobody/0003*210/phoneCallEvents", null, 400, "user_invalid" },
        { "listPhoneCallEvents", "none", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents", null, 401, "access_denied" },
        { "listPhoneCallEventsOfType", "user", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents/9", null, 400, "pce_type_invalid" },
        { "getPhoneCallEvent", "user", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/x", null, 400, "pce_id_invalid" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*210/phoneCallEvents", """{"type":"9","method":"1","url":"https://crm.example.com/a"}""", 400, "pcet_type_invalid" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*210/phoneCallEvents", """{"type":"0","method":"7","url":"https://crm.example.com/a"}""", 400, "pce_method_invalid" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*210/phoneCallEvents", """{"type":"0","method":"1","url":"ftp://crm.example.com/a"}""", 400, "pce_url_invalid" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*210/phoneCallEvents", """{"type":"0","method":"1","url":"https://crm.example.com/a","colour":"red"}""", 400, "request_invalid" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*212/phoneCallEvents", """{"type":"0","method":"1","url":"https://crm.example.com/a"}""", 400, "pce_access_denied" },
        { "createPhoneCallEvent", "user", "POST", "/uapi/extensions/@me/0003*999/phoneCallEvents", """{"type":"0","method":"1","url":"https://crm.example.com/a"}""", 400, "extension_invalid" },
        { "updatePhoneCallEvent", "user", "PUT", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", """{"status":"1"}""", 400, "pce_id_invalid" },
        { "updatePhoneCallEvent", "user", "PUT", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", """{"status":"7"}""", 400, "pce_status_invalid" },
        { "deletePhoneCallEvent", "user", "DELETE", "/uapi/extensions/@me/0003*210/phoneCallEvents/9/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, 400, "pce_type_invalid" },
        { "deletePhoneCallEvent", "user", "DELETE", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, 400, "pce_id_invalid" },
        { "listDeliveries", "user", "GET", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/deliveries", null, 400, "pce_id_invalid" },
        { "replayDeliveriesSince", "user", "POST", "/uapi/extensions/@me/0003*210/phoneCallEvents/0/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/deliveries/replay", null, 400, "pce_id_invalid" },
        { "reportCallEvents", "user", "POST", "/pbx/callEvents", """{"callId":"c1","event":"dial-in","extension":"0003*210"}""", 400, "pce_access_denied" },
        { "reportCallEvents", "admin", "POST", "/pbx/callEvents", """{"callId":"c1","event":"ringing","extension":"0003*210"}""", 400, "request_invalid" },
        { "reportCallEvents", "admin", "POST", "/pbx/callEvents", """{"callId":"c1","event":"dial-in","extension":"0003*999"}""", 400, "extension_invalid" },
        { "getSigningSecret", "none", "GET", "/uapi/apps/@me/signingSecret", null, 401, "access_denied" },
        { "issueToken", "none", "POST", "/oauth/token.php", "form:grant_type=client_credentials&client_id=app_nobody&client_secret=x", 401, "invalid_client" },
        { "issueToken", "none", "POST", "/oauth/token.php", "form:grant_type=password&client_id=app_nobody&client_secret=x", 400, "unsupported_grant_type" },
    };

    /// <summary>What the server really answers is what the document declares for that operation: status and code.</summary>
    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task EachErrorAnOperationAnswersIsDeclaredForIt(string operationId, string who, string method, string path, string? body, int status, string code)
    {
        using var client = who switch
        {
            "user" => Host.ClientWith(await Host.TokenAsync(apps => apps.User)),
            "admin" => Host.ClientWith(await Host.TokenAsync(apps => apps.Admin)),
            _ => new HttpClient { BaseAddress = Host.BaseAddress },
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = body.StartsWith("form:", StringComparison.Ordinal)
                ? new StringContent(body[5..], Encoding.UTF8, "application/x-www-form-urlencoded")
                : new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var answered = answer["error"] is JsonObject envelope ? envelope["code"]!.GetValue<string>() : answer["error"]!.GetValue<string>();
        Assert.Equal((status, code), ((int)response.StatusCode, answered));

        var operation = Operations(await ServedAsync()).Single(o => o["operationId"]?.GetValue<string>() == operationId);
        var examples = operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["examples"]?.AsObject();
        Assert.True(examples?.ContainsKey(code) == true, $"{operationId} does not declare {status} {code}");
    }

    [Fact]
    public async Task EveryExampleNamesAnOperationOfTheDocument()
    {
        var ids = Operations(await ServedAsync()).Select(o => o["operationId"]?.GetValue<string>()).ToHashSet();
        Assert.All(ApiExamples.ByOperation.Keys, id => Assert.Contains(id, ids));
    }

    /// <summary>/docs works offline: every script, style, image and document it loads is served by CallEvents, under /docs or /openapi.</summary>
    [Fact]
    public async Task TheInteractiveReferenceLoadsOnlyWhatCallEventsServes()
    {
        using var page = await Host.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var references = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(references);
        Assert.DoesNotContain("//", string.Join(" ", references), StringComparison.Ordinal); // no absolute or protocol-relative URLs
        // Scripts load relative to the page; the document's "sources" relative to the site's root (scalar.aspnetcore.js).
        var sources = SourceUrl().Matches(html).Select(m => "/" + m.Groups["url"].Value).ToList();
        Assert.Equal([ApiReferenceSetup.DocumentPath], sources);
        foreach (var url in references.Select(r => "/docs/" + r).Concat(sources))
        {
            using var asset = await Host.Http.GetAsync(url);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{url}: {(int)asset.StatusCode}");
            Assert.True((await asset.Content.ReadAsByteArrayAsync()).Length > 0, url);
        }
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonObject> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => op.Value!.AsObject()));

    [GeneratedRegex("""(?:src|href)="(?<url>[^"]+)"|from '(?<url>[^']+)'""")]
    private static partial Regex AssetReference();

    [GeneratedRegex(""""sources":\[\{"title":"[^"]*","url":"(?<url>[^"]+)"""")]
    private static partial Regex SourceUrl();
}
