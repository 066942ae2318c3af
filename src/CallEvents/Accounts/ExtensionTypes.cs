namespace CallEvents.Accounts;

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
