using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Browser;

/// <summary>
/// The browser the browser tests drive: Debian's Chromium (the <c>chromium</c> package), never one
/// that Playwright downloads. <c>CALLEVENTS_CHROMIUM</c> names another executable;
/// <c>CALLEVENTS_REQUIRE_BROWSER=1</c> (set by .ci/run) makes a missing browser a failure instead
/// of a skip.
/// </summary>
public static class Chromium
{
    public const string PathVariable = "CALLEVENTS_CHROMIUM";
    public const string RequireVariable = "CALLEVENTS_REQUIRE_BROWSER";
    public const string DebianPath = "/usr/bin/chromium";

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DebianPath;

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>
    /// Headless, and quiet on the network: without the networking switches Chromium opens its own
    /// connections (component updates, sync, safe browsing…) to hosts that a closed network refuses,
    /// many at a time. No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    /// Playwright gives every launch a fresh, temporary user-data directory of its own.
    /// </summary>
    public static readonly string[] Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
    ];

    /// <summary>
    /// Why the browser tests do not run here, or null when they do. They run in the SQLite pass of
    /// .ci/run only: what they test happens in the browser (pages, scripts, the policy, the flow),
    /// and the data paths under the pages are the API's, which the rest of the suite runs on both
    /// providers; twice would double the slowest tests for nothing new.
    /// </summary>
    public static string? SkipReason =>
        TestDatabase.IsPostgres
            ? "the browser tests run in the SQLite pass only: the data paths under the pages are the API's, tested on both providers"
            : !IsInstalled && !IsRequired
                ? $"needs a browser: {MissingMessage} (.ci/run installs it and sets {RequireVariable}=1)"
                : null;

    public static string MissingMessage =>
        $"no Chromium at {ExecutablePath}: install Debian's package (apt-get install chromium) or set {PathVariable}";
}
