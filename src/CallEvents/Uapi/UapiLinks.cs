using CallEvents.Hosting;
using Microsoft.Extensions.Options;

namespace CallEvents.Uapi;

/// <summary>Where the API is: its base address, and which paths are the API's.</summary>
public static class UapiLinks
{
    /// <summary>
    /// The start of every absolute link (links.self, paging, Location), without a trailing slash:
    /// <c>Hosting:PublicBaseUrl</c> when set, whatever the request's <c>Host</c>; otherwise the
    /// request's scheme, host (one host filtering allowed: Hosting/PublicAddress.cs) and path base.
    /// </summary>
    public static string Base(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<HostingOptions>>().Value.PublicBase is { } publicBase
            ? publicBase.AbsoluteUri.TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>
    /// The UAPI and the PBX's intake: the requests that carry a token, are rate limited per app
    /// and answer every error with the UAPI envelope.
    /// </summary>
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/uapi") || path.StartsWithSegments("/pbx");
}
