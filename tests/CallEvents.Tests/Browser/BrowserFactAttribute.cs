namespace CallEvents.Tests.Browser;

/// <summary>
/// A test in a real browser. Skipped, with the reason, when Chromium is not installed, unless
/// CALLEVENTS_REQUIRE_BROWSER=1 (CI): there the test runs and fails on the missing browser.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = Chromium.SkipReason;
    }
}
