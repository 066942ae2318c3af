using System.Globalization;
using System.Text.Json;
using CallEvents.Dispatch.Sending;
using CallEvents.Uapi;

namespace CallEvents.Dispatch.Intake;

/// <summary>One call event as the PBX reports it to <c>POST /pbx/callEvents</c> (contract §9), validated.</summary>
public sealed record CallEventReport(
    string CallId, string Kind, string Extension, string CallerIdNum, string CallerIdName, string CalledDid,
    string CalledExtension, string CallerExtension, string CalledNumber, string CallStatus, DateTimeOffset? OccurredAt)
{
    private static readonly string[] StringFields =
        ["callId", "event", "extension", "callerIdNum", "callerIdName", "calledDid", "calledExtension", "callerExtension", "calledNumber", "callStatus"];

    /// <summary>A body of one event or an array of events; any bad event rejects the whole body (request_invalid).</summary>
    public static List<CallEventReport> ParseBody(JsonElement root, int maxEvents)
    {
        var elements = root.ValueKind switch
        {
            JsonValueKind.Object => [root],
            JsonValueKind.Array when root.GetArrayLength() is > 0 and var n && n <= maxEvents => root.EnumerateArray().ToList(),
            _ => throw UapiError.RequestInvalid.Exception(),
        };
        return [.. elements.Select(Parse)];
    }

    private static CallEventReport Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw UapiError.RequestInvalid.Exception();
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in StringFields)
        {
            if (element.TryGetProperty(name, out var value))
            {
                values[name] = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => throw UapiError.RequestInvalid.Exception(),
                };
                if (values[name].Length > 256)
                {
                    throw UapiError.RequestInvalid.Exception();
                }
            }
        }
        string Get(string name) => values.GetValueOrDefault(name, "");

        var kind = Get("event");
        var callId = Get("callId");
        if (CallEventKinds.EventType(kind) is null || callId.Length == 0)
        {
            throw UapiError.RequestInvalid.Exception();
        }
        if (!ExtensionNumber.TryParse(Get("extension"), out var number) || number.IsShort)
        {
            throw UapiError.ExtensionInvalid.Exception();
        }

        // Dial and answer events imply their status; a hangup must say how the call ended.
        var status = Get("callStatus");
        var implied = CallEventKinds.ImpliedStatus(kind);
        if (implied is not null ? status.Length > 0 && status != implied : !CallEventKinds.HangupStatuses.Contains(status))
        {
            throw UapiError.RequestInvalid.Exception();
        }

        DateTimeOffset? occurredAt = null;
        if (element.TryGetProperty("occurredAt", out var at) && at.ValueKind != JsonValueKind.Null)
        {
            occurredAt = at.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw UapiError.RequestInvalid.Exception();
        }
        return new CallEventReport(callId, kind, Get("extension"), Get("callerIdNum"), Get("callerIdName"), Get("calledDid"),
            Get("calledExtension"), Get("callerExtension"), Get("calledNumber"), implied ?? status, occurredAt);
    }

    /// <summary>
    /// <c>IN</c> when the extension received the call, <c>OUT</c> when it placed it. A hangup is
    /// reported on both ends; it is the caller's end when the reporting extension is the caller.
    /// </summary>
    public string CallFlow => Kind switch
    {
        CallEventKinds.DialOut or CallEventKinds.AnswerOut => "OUT",
        CallEventKinds.Hangup when CallerExtension == Extension => "OUT",
        _ => "IN",
    };

    /// <summary>The nine parameters of contract §9, in its order, encoded once at intake.</summary>
    public string Payload() => DeliveryRequest.EncodeParameters(
    [
        new("CallID", CallId),
        new("CallerIDNum", CallerIdNum),
        new("CallerIDName", CallerIdName),
        new("CalledDID", CalledDid),
        new("CalledExtension", CalledExtension),
        new("CallStatus", CallStatus),
        new("CallFlow", CallFlow),
        new("CallerExtension", CallerExtension),
        new("CalledNumber", CalledNumber),
    ]);
}
