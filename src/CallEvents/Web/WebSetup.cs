using CallEvents.Web.Shell;
using Microsoft.Extensions.FileProviders;

namespace CallEvents.Web;

/// <summary>
/// The server's own HTML pages (the sign-in and consent pages of the authorization endpoint, the
/// console): Razor components rendered on the server, plain forms and links, no client framework.
/// Their stylesheet and scripts are embedded in the assembly and served by CallEvents itself, so
/// the pages work offline and the Content-Security-Policy can say 'self' and nothing else.
/// </summary>
public static class WebSetup
{
    /// <summary>Where the embedded stylesheet and scripts are served.</summary>
    public const string AssetsPath = "/assets";

    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "callevents.antiforgery";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>Security headers on every page, the embedded assets, and antiforgery on every form post.</summary>
    public static void UseWebPages(this WebApplication app)
    {
        app.UseMiddleware<PageSecurityHeaders>();
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = AssetsPath,
            FileProvider = new EmbeddedFileProvider(typeof(WebSetup).Assembly, "CallEvents.Web.Assets"),
            // The file names carry no version: a day's cache, revalidated by ETag after that.
            OnPrepareResponse = asset => asset.Context.Response.Headers.CacheControl = "public, max-age=86400",
        });
        app.UseMiddleware<SignIn.RefusedSignInForm>();  // outside antiforgery: it sees its bare 400
        app.UseAntiforgery();
    }

    /// <summary>Every routable component (<c>@page</c>) of this assembly, rendered statically on the server.</summary>
    public static void MapWebPages(this WebApplication app) => app.MapRazorComponents<App>();
}
