namespace CallEvents.Uapi;

/// <summary>Where the API is: its base address, and which paths are the API's.</summary>
public static class UapiLinks
{
    public static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    /// <summary>
    /// The UAPI and the PBX's intake: the requests that carry a token, are rate limited per app
    /// and answer every error with the UAPI envelope.
    /// </summary>
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/uapi") || path.StartsWithSegments("/pbx");
}
