namespace CallEvents.Accounts;

public enum ExtensionType
{
    PhoneTerminal = 0,
    Queue = 1,
    Ivr = 2,
    VoicemailCenter = 3,
    Conference = 4,
    Callback = 5,
    CallingCard = 6,
    IntercomPaging = 7,
    QueueLoginCenter = 8,
}

public static class ExtensionTypes
{
    /// <summary>Contract §2: phone call events are allowed only on these types.</summary>
    public static bool AllowsPhoneCallEvents(this ExtensionType type) =>
        type is ExtensionType.PhoneTerminal or ExtensionType.Queue or ExtensionType.Conference or ExtensionType.Ivr;

    public static bool TryParse(string text, out ExtensionType type)
    {
        var normalized = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)
            .Replace(" ", "", StringComparison.Ordinal).Replace("/", "", StringComparison.Ordinal);
        if (int.TryParse(normalized, out _))
        {
            type = default;
            return false;
        }
        return Enum.TryParse(normalized, ignoreCase: true, out type) && Enum.IsDefined(type);
    }
}

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
