using CallEvents.Hosting.Settings;

namespace CallEvents.PhoneCallEvents;

/// <summary>The <c>PhoneCallEvents</c> configuration section; see docs/configuration.md.</summary>
public sealed class PhoneCallEventsOptions : ISettings
{
    public static string Section => "PhoneCallEvents";

    /// <summary>At most this many events on one extension (pce_limit_exceeded beyond).</summary>
    public int MaxPerExtension { get; set; } = 100;

    public void Check(SettingsCheck check) => check.Between(MaxPerExtension, 1, 100_000);
}
