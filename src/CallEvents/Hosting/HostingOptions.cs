using CallEvents.Hosting.Settings;

namespace CallEvents.Hosting;

/// <summary>The <c>Hosting</c> configuration section; see docs/configuration.md.</summary>
public sealed class HostingOptions : ISettings
{
    public static string Section => "Hosting";

    /// <summary>
    /// Where clients reach the server, e.g. <c>https://pbx.example.com</c> or
    /// <c>https://pbx.example.com/callevents</c>: every absolute link starts with it, whatever
    /// <c>Host</c> a request sends; empty means the request's own scheme and host (which host
    /// filtering has allowed: <see cref="PublicAddress"/>).
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>The configured base without a trailing slash, or null.</summary>
    public Uri? PublicBase => PublicBaseUrl.Length > 0 && Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>
    /// The reverse proxies (networks in CIDR notation; one address is a /32 or /128) whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed: a request from one of
    /// them counts as coming from the client address it names (the per-address budgets) over the
    /// scheme it names (Secure cookies). Empty: those headers are ignored, as a client could send any.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public void Check(SettingsCheck check)
    {
        check.Networks(TrustedProxies);
        check.That(PublicBaseUrl.Length == 0
            || (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0),
            nameof(PublicBaseUrl), $"must be an absolute http or https URL without query or fragment, such as https://pbx.example.com; it is '{PublicBaseUrl}'");
    }
}
