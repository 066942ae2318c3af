namespace CallEvents.PhoneCallEvents;

/// <summary>The <c>PhoneCallEvents</c> configuration section; see docs/configuration.md.</summary>
public sealed class PhoneCallEventsOptions
{
    public const string Section = "PhoneCallEvents";

    /// <summary>At most this many events on one extension (pce_limit_exceeded beyond).</summary>
    public int MaxPerExtension { get; set; } = 100;
}
