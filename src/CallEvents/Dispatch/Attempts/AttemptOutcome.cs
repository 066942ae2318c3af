namespace CallEvents.Dispatch.Attempts;

public enum AttemptOutcome
{
    Succeeded = 0,
    Retrying = 1,
    Failed = 2,
    Cancelled = 3,
}
