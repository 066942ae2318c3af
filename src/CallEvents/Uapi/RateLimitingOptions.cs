using CallEvents.Hosting.Settings;

namespace CallEvents.Uapi;

/// <summary>The <c>RateLimiting</c> configuration section; see docs/configuration.md.</summary>
public sealed class RateLimitingOptions : ISettings
{
    public static string Section => "RateLimiting";

    /// <summary>Requests one app may make per window; 0 turns the limit off.</summary>
    public int PermitLimit { get; set; } = 5000;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed client authentications (invalid_client) of one client id from one address per <see cref="FailureWindow"/>; 0 turns it off.</summary>
    public int FailedClientAuthenticationsPerClient { get; set; } = 10;

    /// <summary>Failed authentications (invalid_client, refused bearer tokens) from one address per <see cref="FailureWindow"/>; 0 turns it off.</summary>
    public int FailedAuthenticationsPerAddress { get; set; } = 30;

    /// <summary>Wrong passwords for one account on the sign-in page (from any address) per <see cref="FailureWindow"/>; 0 turns it off.</summary>
    public int FailedSignInsPerAccount { get; set; } = 5;

    /// <summary>Wrong passwords on the sign-in page from one address (for any accounts) per <see cref="FailureWindow"/>; 0 turns it off.</summary>
    public int FailedSignInsPerAddress { get; set; } = 20;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most sources (addresses, client ids at an address) whose failures are remembered at once.</summary>
    public int MaxTrackedFailureSources { get; set; } = 100_000;

    public void Check(SettingsCheck check)
    {
        check.AtLeast(PermitLimit, 0);
        check.Positive(Window);
        check.AtLeast(FailedClientAuthenticationsPerClient, 0);
        check.AtLeast(FailedAuthenticationsPerAddress, 0);
        check.AtLeast(FailedSignInsPerAccount, 0);
        check.AtLeast(FailedSignInsPerAddress, 0);
        check.Positive(FailureWindow, TimeSpan.FromDays(1));
        check.AtLeast(MaxTrackedFailureSources, 1);
    }
}
