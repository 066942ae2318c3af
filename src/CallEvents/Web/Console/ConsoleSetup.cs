using System.Security.Claims;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Web.Console.Endpoints;
using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using OAuthHandlerOptions = Microsoft.AspNetCore.Authentication.OAuth.OAuthOptions;

namespace CallEvents.Web.Console;

/// <summary>
/// The web console at <c>/console</c>: an OAuth client of this server (authorization code with
/// PKCE, ASP.NET Core's own OAuth handler) whose session is a cookie holding the access token
/// it was given; pages rendered on the server from Razor components, plain forms, and one
/// server-sent event stream for a delivery log. Every action runs as the session's
/// <see cref="Accounts.Caller"/> through the API's own services (<see cref="ConsoleSession"/>).
/// </summary>
public static class ConsoleSetup
{
    public const string Path = "/console";
    public const string CookieScheme = "console";
    public const string OAuthScheme = "console-oauth";

    /// <summary>The one console path the authentication middleware must see: the OAuth handler answers the redirect back from /oauth/authorize there.</summary>
    public static bool IsSignInCallback(HttpContext context) => context.Request.Path.Equals(ConsoleClient.CallbackPath, StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleClient>();
        services.AddSingleton<DeliveryStream>();
        services.AddAuthentication()
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "callevents.console";
                options.Cookie.Path = Path;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax; // the redirect back from the sign-in is a top-level navigation
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // As long as the access token inside it, never longer: no sliding renewal.
                options.ExpireTimeSpan = OAuth.OAuthSetup.AccessTokenLifetime;
                options.SlidingExpiration = false;
            })
            .AddOAuth(OAuthScheme, options =>
            {
                options.ClientId = ConsoleClient.ClientId;
                options.AuthorizationEndpoint = "/oauth/authorize";
                options.TokenEndpoint = OwnServerBackchannel.Placeholder + "/oauth/token";
                options.CallbackPath = ConsoleClient.CallbackPath;
                options.UsePkce = true;
                options.SaveTokens = true;
                options.SignInScheme = CookieScheme;
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Events.OnCreatingTicket = SignedInAsync;
                options.Events.OnRemoteFailure = context =>
                {
                    // A refused consent, a replayed or forged callback, a lost correlation cookie:
                    // the landing page says so; the reason stays in the server's log.
                    context.HandleResponse();
                    context.Response.Redirect(Path + "?signin=failed");
                    return Task.CompletedTask;
                };
            });
        services.AddOptions<OAuthHandlerOptions>(OAuthScheme).Configure<ConsoleClient, IServer>((options, client, server) =>
        {
            options.ClientSecret = client.Secret;
            options.BackchannelHttpHandler = new OwnServerBackchannel(server);
        });
        return services;
    }

    /// <summary>The session's identity: the account the token stands for, by id and name; the token itself stays in the cookie's properties.</summary>
    private static async Task SignedInAsync(Microsoft.AspNetCore.Authentication.OAuth.OAuthCreatingTicketContext context)
    {
        var services = context.HttpContext.RequestServices;
        var caller = context.AccessToken is { } token
            ? await services.GetRequiredService<TokenValidationCache>().ValidateTokenAsync(token, context.HttpContext.RequestAborted)
            : null;
        if (caller is null)
        {
            context.Fail("The token endpoint gave the console a token that does not validate.");
            return;
        }
        var name = await services.GetRequiredService<CallEventsDb>().Accounts.AsNoTracking()
            .Where(a => a.Id == caller.AccountId).Select(a => a.Name).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        context.Identity!.AddClaim(new Claim("sub", caller.AccountId));
        context.Identity.AddClaim(new Claim(context.Identity.NameClaimType, name ?? caller.AccountId));
    }

    /// <summary>The console's routes (Endpoints/): every page and form under <see cref="Path"/>, errors as pages.</summary>
    public static void MapConsole(this IEndpointRouteBuilder routes)
    {
        var console = routes.MapGroup(Path).ExcludeFromDescription()
            .AddEndpointFilter(ConsoleErrors.AsPagesAsync)
            .AddEndpointFilter(ConsoleForms.RequireTokenAsync);
        SignInEndpoints.Map(console);
        var signedIn = console.MapGroup("").AddEndpointFilter(RequireSessionAsync);
        ExtensionEndpoints.Map(signedIn);
        EventEndpoints.Map(signedIn);
        DeliveryEndpoints.Map(signedIn);
        ConsentEndpoints.Map(signedIn);
        console.MapFallback(ConsoleErrors.NotFound);
    }

    /// <summary>
    /// A session, or: a page asked for goes to the sign-in and comes back; a form sent without one
    /// is answered 401 with a page that says so (what it asked for is not done).
    /// </summary>
    private static async ValueTask<object?> RequireSessionAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await ConsoleSession.OfAsync(http) is not null)
        {
            return await next(context);
        }
        if (HttpMethods.IsGet(http.Request.Method))
        {
            return Results.Redirect(SignInEndpoints.SignInLink(http.Request.Path + http.Request.QueryString));
        }
        return ConsoleErrors.Page(http, StatusCodes.Status401Unauthorized, "Signed out", "Your session has ended, so nothing was changed. Sign in again to continue.");
    }
}
