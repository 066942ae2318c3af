using System.Text.Json.Serialization;

namespace CallEvents.PhoneCallEvents.Wire;

/// <summary>
/// The PhoneCallEvent as written on the wire (contract §6): numbers as strings, null fields
/// left out. Separate from the entity so that nothing stored by accident reaches a client.
/// </summary>
public sealed record PhoneCallEventOut(
    [property: JsonPropertyOrder(0)] string Id,
    [property: JsonPropertyOrder(1)] string? Type,
    [property: JsonPropertyOrder(2)] string? Method,
    [property: JsonPropertyOrder(3)] string? Url,
    [property: JsonPropertyOrder(4)] string? Status,
    [property: JsonPropertyOrder(5)] string? Note,
    [property: JsonPropertyOrder(6)] string? Modified,
    [property: JsonPropertyOrder(7)] SelfLink? Links);
