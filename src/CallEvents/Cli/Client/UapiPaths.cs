namespace CallEvents.Cli.Client;

/// <summary>The public HTTP API's addresses, relative to the server's base address (a path base is kept).</summary>
public static class UapiPaths
{
    public const string Token = "oauth/token.php";
    public const string CallEvents = "pbx/callEvents";

    /// <summary><c>uapi/extensions/{user}/{extension}/phoneCallEvents[/{type}[/{id}]]</c>.</summary>
    public static string Events(string user, string extension, int? type = null, string? id = null) =>
        $"uapi/extensions/{Segment(user)}/{Segment(extension)}/phoneCallEvents"
        + (type is { } t ? $"/{t}" : "")
        + (id is not null ? $"/{Segment(id)}" : "");

    /// <summary><c>…/phoneCallEvents/{type}/{id}/deliveries</c>: the event's delivery log.</summary>
    public static string Deliveries(string user, string extension, int type, string id) => Events(user, extension, type, id) + "/deliveries";

    /// <summary>
    /// A path segment as typed: '@' (in @me) and '*' (in 0003*210) are legal in a segment and stay
    /// readable; everything else that is not is percent-encoded.
    /// </summary>
    private static string Segment(string text) =>
        Uri.EscapeDataString(text).Replace("%40", "@", StringComparison.Ordinal).Replace("%2A", "*", StringComparison.Ordinal);
}
