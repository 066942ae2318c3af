namespace CallEvents.Tests.Infrastructure;

/// <summary>A test of Unix file modes: skipped, with the reason, on Windows, where ACLs decide instead.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix file modes: not on Windows";
        }
    }
}
