namespace CallEvents.Demo;

/// <summary>The demo apps' client ids, as found on a later start (null: that app was removed).</summary>
public sealed record DemoClientIds(string? Admin, string? Organization, string? User);
