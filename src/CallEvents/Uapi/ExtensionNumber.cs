namespace CallEvents.Uapi;

/// <summary>
/// An extension as written in a URI: the extended form <c>0003*210</c> (organization code,
/// '*', local number) or the short form <c>210</c>, resolved inside an organization.
/// </summary>
public readonly record struct ExtensionNumber(string? OrganizationCode, string Local)
{
    public bool IsShort => OrganizationCode is null;

    public string Extended(string organizationCode) => $"{organizationCode}*{Local}";

    public static bool TryParse(string? text, out ExtensionNumber number)
    {
        number = default;
        if (text is { Length: 3 } && IsDigits(text))
        {
            number = new ExtensionNumber(null, text);
            return true;
        }
        if (text is { Length: 8 } && text[4] == '*' && IsDigits(text.AsSpan(0, 4)) && IsDigits(text.AsSpan(5)))
        {
            number = new ExtensionNumber(text[..4], text[5..]);
            return true;
        }
        return false;
    }

    public static bool IsOrganizationCode(string? text) => text is { Length: 4 } && IsDigits(text);

    public static bool IsLocalNumber(string? text) => text is { Length: 3 } && IsDigits(text);

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }
}
