namespace CallEvents.Uapi;

public sealed record Paging(string? Prev, string? Next);
