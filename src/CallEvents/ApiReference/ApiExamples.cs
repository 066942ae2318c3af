using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace CallEvents.ApiReference;

/// <summary>
/// Example requests and answers, by operation id: the ones docs/api.md shows, captured from a
/// running server. A test checks that every example is valid JSON and that each operation it
/// names exists.
/// </summary>
public static class ApiExamples
{
    private const string Event = """
        {"id":"Hd493WjzZsTEP234bC1rlpDBIQo3xt","type":"0","method":"1","url":"https://crm.example.com/hooks/calls","status":"1",
         "note":"CRM screen-pop","modified":"2026-12-01T08:29:55+00:00",
         "links":{"self":"http://127.0.0.1:5080/uapi/extensions/@me/0003*210/phoneCallEvents/0/Hd493WjzZsTEP234bC1rlpDBIQo3xt"}}
        """;

    private const string Collection = "{\"entry\":[" + Event + "],\"totalResults\":1,\"itemsPerPage\":20,\"startIndex\":0}";

    /// <summary>Operation id → (request body example or null, success answer example or null).</summary>
    public static readonly IReadOnlyDictionary<string, (string? Request, string? Answer)> ByOperation = new Dictionary<string, (string?, string?)>
    {
        ["issueToken"] = (null, """{"access_token":"eyJhbGciOiJFUzI1NiIsImtpZCI6InRva2VuLXNpZ25pbmctZXMyNTYtMSIsInR5cCI6ImF0K2p3dCJ9.eyJpc3Mi…","token_type":"Bearer","expires_in":3600}"""),
        ["createPhoneCallEvent"] = ("""{"type":"0","method":"1","url":"https://crm.example.com/hooks/calls","note":"CRM screen-pop"}""", "[" + Event + "]"),
        ["createPhoneCallEventOfType"] = ("""{"method":0,"url":"https://crm.example.com/hooks/hangup?source=pbx"}""", null),
        ["listPhoneCallEvents"] = (null, Collection),
        ["listPhoneCallEventsOfType"] = (null, Collection),
        ["getPhoneCallEvent"] = (null, Collection),
        ["updatePhoneCallEvent"] = ("""{"status":"0","note":null}""", null),
        ["deleteAllPhoneCallEvents"] = (null, """[{"id":"Hd493WjzZsTEP234bC1rlpDBIQo3xt"},{"id":"cl2ptZl3xiZ8B757q5oyKLc2v5YN4u"}]"""),
        ["deletePhoneCallEvent"] = (null, """[{"id":"Hd493WjzZsTEP234bC1rlpDBIQo3xt"}]"""),
        ["listDeliveries"] = (null, """
            {"entry":[{"id":"7yRPWChGRY4SSuSpwnGz98U7","callId":"call-7f3a","event":"dial-in","attempt":"1",
             "attemptedAt":"2026-12-01T08:31:22+00:00","httpStatus":"503","error":"HTTP 503","latencyMs":"44","outcome":"retrying"}],
             "totalResults":1,"itemsPerPage":20,"startIndex":0}
            """),
        ["replayDelivery"] = (null, """[{"id":"LQHpsadbPyJva4BbCTyw5PAR"}]"""),
        ["getSigningSecret"] = (null, """{"signingSecret":"whsec_R3sVrlBX5vpbyE0Ww7PhJVETWQp6dY00x7823ktzweA="}"""),
        ["reportCallEvents"] = ("""
            {"callId":"call-7f3a","event":"dial-in","extension":"0003*211","callerIdNum":"0003*210","callerIdName":"Ana Example",
             "calledDid":"","calledExtension":"0003*211","callerExtension":"0003*210","calledNumber":"211","callStatus":"CALLING",
             "occurredAt":"2026-12-01T08:31:30Z"}
            """, """{"events":1,"deliveries":5}"""),
    };

    public static void Apply(OpenApiOperation operation)
    {
        if (operation.OperationId is not { } id || !ByOperation.TryGetValue(id, out var example))
        {
            return;
        }
        if (example.Request is { } request && operation.RequestBody?.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Example = JsonNode.Parse(request);
            }
        }
        if (example.Answer is { } answer && operation.Responses is { } responses)
        {
            var success = responses.FirstOrDefault(r => r.Key.StartsWith('2') && r.Value.Content is { Count: > 0 });
            foreach (var media in success.Value?.Content?.Values ?? [])
            {
                media.Example = JsonNode.Parse(answer);
            }
        }
    }
}
