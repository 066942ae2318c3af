namespace CallEvents.Dispatch.Attempts;

public sealed record ReplayedId(string Id);
