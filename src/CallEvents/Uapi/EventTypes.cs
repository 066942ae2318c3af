namespace CallEvents.Uapi;

/// <summary>The five phone call event types: 0 Dial-In … 4 Answer on an outgoing call.</summary>
public static class EventTypes
{
    public const int DialIn = 0;
    public const int DialOut = 1;
    public const int Hangup = 2;
    public const int AnswerIn = 3;
    public const int AnswerOut = 4;

    /// <summary>Exactly one digit 0–4: "01", "-1" and "5" are not event types.</summary>
    public static bool TryParse(string? text, out int type)
    {
        if (text is { Length: 1 } && text[0] is >= '0' and <= '4')
        {
            type = text[0] - '0';
            return true;
        }
        type = -1;
        return false;
    }
}
