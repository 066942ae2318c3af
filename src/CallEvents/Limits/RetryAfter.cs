using System.Globalization;

namespace CallEvents.Limits;

/// <summary>The <c>Retry-After</c> of a 429: whole seconds, rounded up, at least 1.</summary>
public static class RetryAfter
{
    public static string Seconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
