namespace CallEvents.Dispatch.Intake;

/// <summary>The call events the PBX reports (contract §9) and what each means on the wire.</summary>
public static class CallEventKinds
{
    public const string DialIn = "dial-in";
    public const string DialOut = "dial-out";
    public const string Hangup = "hangup";
    public const string AnswerIn = "answer-in";
    public const string AnswerOut = "answer-out";

    public static readonly string[] HangupStatuses = ["ANSWER", "BUSY", "NOANSWER", "CANCEL", "CONGESTION", "CHANUNAVAIL"];

    /// <summary>The PhoneCallEvent type a report triggers: dial-in 0, dial-out 1, hangup 2, answer-in 3, answer-out 4.</summary>
    public static int? EventType(string kind) => kind switch
    {
        DialIn => 0,
        DialOut => 1,
        Hangup => 2,
        AnswerIn => 3,
        AnswerOut => 4,
        _ => null,
    };

    /// <summary>The CallStatus a kind implies; hangup carries its own.</summary>
    public static string? ImpliedStatus(string kind) => kind switch
    {
        DialIn or DialOut => "CALLING",
        AnswerIn or AnswerOut => "ANSWER",
        _ => null,
    };
}
