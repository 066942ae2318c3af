using System.Text.Json.Serialization;

namespace CallEvents.Dispatch.Intake;

/// <summary>
/// One call event as the intake's body holds it, for the API reference (a body is one such
/// object or an array of them). The server does not bind this type: <see cref="CallEventReport"/>
/// validates the body field by field and rejects it whole on any bad event.
/// </summary>
/// <param name="CallId">The PBX's id of the call; the deliveries of one call to one hook keep its order.</param>
/// <param name="Event">dial-in, dial-out, answer-in, answer-out or hangup.</param>
/// <param name="Extension">The extension the event happened on, in extended form (0003*210).</param>
/// <param name="CallerIdNum">The caller's number, sent to hooks as CallerIDNum.</param>
/// <param name="CallerIdName">The caller's name, sent as CallerIDName.</param>
/// <param name="CalledDid">The DID the call came in on, if any, sent as CalledDID.</param>
/// <param name="CalledExtension">The extension called, sent as CalledExtension.</param>
/// <param name="CallerExtension">The calling extension, if internal; a hangup on this extension is an OUT call flow.</param>
/// <param name="CalledNumber">The number as dialled, sent as CalledNumber.</param>
/// <param name="CallStatus">Empty, the implied value (CALLING, ANSWER), or for a hangup ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION or CHANUNAVAIL.</param>
/// <param name="OccurredAt">When it happened (date-time); orders the events of one report.</param>
public sealed record CallEventFields(
    string CallId,
    [property: JsonPropertyName("event")] string Event,
    string Extension,
    string? CallerIdNum,
    string? CallerIdName,
    string? CalledDid,
    string? CalledExtension,
    string? CallerExtension,
    string? CalledNumber,
    string? CallStatus,
    DateTimeOffset? OccurredAt);
