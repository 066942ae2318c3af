namespace CallEvents.Web;

/// <summary>
/// Headers that make the server's pages hard to abuse from another site: a strict
/// Content-Security-Policy (only this server's own stylesheet, scripts and connections; no inline
/// script or style, no framing, forms post only here), no MIME sniffing, no referrer beyond the
/// origin. Set on HTML answers only, so the API's JSON answers stay as they are; an endpoint
/// whose HTML a library writes may carry a policy of its own (<see cref="PagePolicy"/>).
/// </summary>
public sealed class PageSecurityHeaders(RequestDelegate next)
{
    /// <summary>
    /// The policy of every page. A page whose form must be allowed to end at another origin (the
    /// consent page, whose answer redirects to the app's registered redirect URI) extends
    /// form-action for its own answer through <see cref="AllowFormActionTo"/>.
    /// </summary>
    public const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string ExtraFormActionKey = "callevents.form-action";

    /// <summary>Lets this answer's forms (and the redirects they end in) reach <paramref name="origin"/> too.</summary>
    public static void AllowFormActionTo(HttpContext context, Uri origin) =>
        context.Items[ExtraFormActionKey] = origin.GetLeftPart(UriPartial.Authority);

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var response = context.Response;
            if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                var policy = context.GetEndpoint()?.Metadata.GetMetadata<PagePolicy>()?.Value ?? Policy;
                if (context.Items[ExtraFormActionKey] is string origin)
                {
                    policy = policy.Replace("form-action 'self'", $"form-action 'self' {origin}", StringComparison.Ordinal);
                }
                response.Headers.ContentSecurityPolicy = policy;
                response.Headers.XFrameOptions = "DENY";
                response.Headers["Referrer-Policy"] = "same-origin";
                response.Headers.CacheControl = "no-store";
            }
            response.Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
