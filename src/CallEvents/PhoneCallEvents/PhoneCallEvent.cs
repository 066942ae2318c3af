using CallEvents.PhoneCallEvents.Wire;

namespace CallEvents.PhoneCallEvents;

/// <summary>A registered HTTP hook on an extension. Never serialized: see <see cref="PhoneCallEventOut"/>.</summary>
public sealed class PhoneCallEvent
{
    /// <summary>30 characters [A-Za-z0-9] from a cryptographic random source.</summary>
    public required string Id { get; set; }
    public long ExtensionId { get; set; }
    public int Type { get; set; }
    public int Method { get; set; }
    public required string Url { get; set; }
    public int Status { get; set; }
    public string? Note { get; set; }

    /// <summary>The app that created it: its signing secret signs the deliveries (Dispatch).</summary>
    public string? AppClientId { get; set; }

    /// <summary>
    /// The wire form itself (<c>2026-11-29T10:17:58+00:00</c>, always UTC): fixed width, so it
    /// sorts as text, and filterBy=modified works the same on every provider.
    /// </summary>
    public required string Modified { get; set; }

    public static string FormatModified(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
