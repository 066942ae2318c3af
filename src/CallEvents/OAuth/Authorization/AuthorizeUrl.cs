namespace CallEvents.OAuth.Authorization;

/// <summary>
/// The authorization endpoint's own URL, the only place the sign-in page sends a person back to:
/// a return URL that is anything else (another site, <c>//host</c>, <c>/\host</c>, another page
/// of this one) is refused, so the sign-in page is no open redirect.
/// </summary>
public static class AuthorizeUrl
{
    public const string Path = "/oauth/authorize";
    public const string PhpPath = "/oauth/authorize.php";

    public static bool IsLocalAuthorizeUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || !url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal)
            || url.Contains('\\', StringComparison.Ordinal) || url.Any(char.IsControl))
        {
            return false;
        }
        var path = url.Split('?', 2)[0];
        return path == Path || path == PhpPath;
    }

    /// <summary>The authorization request as a GET URL of this server (for the sign-in page's return).</summary>
    public static string Of(IEnumerable<KeyValuePair<string, string?>> parameters) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Path, parameters);
}
