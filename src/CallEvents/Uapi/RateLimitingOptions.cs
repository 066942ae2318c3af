using CallEvents.Hosting.Settings;

namespace CallEvents.Uapi;

/// <summary>The <c>RateLimiting</c> configuration section; see docs/configuration.md.</summary>
public sealed class RateLimitingOptions : ISettings
{
    public static string Section => "RateLimiting";

    /// <summary>Requests one app may make per window; 0 turns the limit off.</summary>
    public int PermitLimit { get; set; } = 5000;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    public void Check(SettingsCheck check)
    {
        check.AtLeast(PermitLimit, 0);
        check.Positive(Window);
    }
}
