namespace CallEvents.PhoneCallEvents.Wire;

/// <summary>One entry of a delete's answer: <c>{"id":"…"}</c>.</summary>
public sealed record DeletedId(string Id);
