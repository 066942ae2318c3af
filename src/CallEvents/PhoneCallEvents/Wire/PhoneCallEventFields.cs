namespace CallEvents.PhoneCallEvents.Wire;

/// <summary>
/// The fields a Create or Update body may hold, as the API reference shows them. The server
/// does not bind this type: <see cref="PhoneCallEventInput"/> reads the body field by field, so
/// that each bad field gets its own error code and numbers may come as strings or numbers.
/// </summary>
/// <param name="Type">0 dial-in, 1 dial-out, 2 hangup, 3 answer (incoming), 4 answer (outgoing); a digit as a string or a number.</param>
/// <param name="Method">0: GET with the parameters in the query; 1: POST with a form body.</param>
/// <param name="Url">Absolute http or https URL, at most 2048 characters, to an allowed destination.</param>
/// <param name="Status">1 enabled (the default), 0 disabled.</param>
/// <param name="Note">Free text, at most 1024 characters; null removes it.</param>
public sealed record PhoneCallEventFields(string? Type, string? Method, string? Url, string? Status, string? Note);
