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
