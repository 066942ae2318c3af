namespace CallEvents.Accounts;

/// <summary>A PBX extension, owned by a user of one organization.</summary>
public sealed class Extension
{
    public long Id { get; set; }

    /// <summary>The extended number, <c>0003*210</c>; unique.</summary>
    public required string Number { get; set; }
    public ExtensionType Type { get; set; }
    public required string OrganizationId { get; set; }
    public required string OwnerId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// How many phone call events the extension has, kept by database triggers on
    /// phone_call_events (so every writer keeps it true, in the same transaction): the list's
    /// totalResults and create's limit check read it instead of counting rows, which cost a
    /// scan of the extension's index on every request (bench/README.md). Never written by the app.
    /// </summary>
    public int EventCount { get; set; }
}
