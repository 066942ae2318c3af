using CallEvents.Accounts;

namespace CallEvents.Web.Console.Pages;

/// <summary>The words the console shows for the API's codes (event types, methods, statuses).</summary>
public static class ConsoleText
{
    public static readonly string[] EventTypes = ["Dial-in", "Dial-out", "Hangup", "Answer (incoming call)", "Answer (outgoing call)"];

    public static string EventType(int type) => type >= 0 && type < EventTypes.Length ? EventTypes[type] : type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Method(int method) => method == 0 ? "GET" : "POST";

    public static string Status(int status) => status == 1 ? "Enabled" : "Disabled";

    public static string ExtensionType(ExtensionType type) => type switch
    {
        Accounts.ExtensionType.PhoneTerminal => "Phone terminal",
        Accounts.ExtensionType.Queue => "Queue",
        Accounts.ExtensionType.Ivr => "IVR",
        Accounts.ExtensionType.Conference => "Conference",
        _ => type.ToString(),
    };
}
