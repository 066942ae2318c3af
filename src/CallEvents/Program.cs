using CallEvents.Accounts;
using CallEvents.Dispatch;
using CallEvents.Hosting;
using CallEvents.Hosting.Startup;
using CallEvents.OAuth;
using CallEvents.OAuth.Tokens;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using CallEvents.Uapi;

namespace CallEvents;

/// <summary>
/// CallEvents: HTTP hooks on PBX extensions, managed over the UAPI PhoneCallEvents contract.
/// This file is the table of contents: the command line, the services, the HTTP pipeline.
/// </summary>
public static class Program
{
    /// <summary>`callevents [serve|migrate|demo|accounts|extensions|apps|login|pce|deliveries|simulate|listen] …` (Hosting/CommandLine.cs).</summary>
    public static Task<int> Main(string[] args) => CommandLine.RunAsync(args);

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // appsettings.json is read from beside the executable, wherever it is started from
        // (the default, the working directory, loses it when `callevents` runs from elsewhere).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.ConfigureServing();                                // Kestrel: default URLs, HTTPS certificate, limits
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddStorage(builder.Configuration);        // EF Core on SQLite or PostgreSQL
        builder.Services.AddAccounts();                            // hierarchy, extensions, contexts
        builder.Services.AddOAuth();                               // OpenIddict: token endpoint and validation
        builder.Services.AddPhoneCallEvents(builder.Configuration);// the resource
        builder.Services.AddDispatch(builder.Configuration);       // destinations, delivery
        builder.Services.AddUapiRateLimiting(builder.Configuration);// 429 per app (Uapi/RateLimiting.cs)
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseGroupCommit();                                      // Durability=Full: answers wait for a shared fsync
        app.UseMiddleware<UapiErrorMiddleware>();                  // every failure as the UAPI envelope
        app.UseMiddleware<DatabaseReadinessMiddleware>();          // 503 until `serve` has reached the database
        app.UseMiddleware<QueryTokenMiddleware>();                 // ?accessRequestToken=Bearer%20…
        // OpenIddict's server and validation handlers run a pipeline of their own on every request
        // that passes the authentication middleware, even ones they have nothing to say about; a
        // profile showed it on every UAPI request (bench/README.md). Only its own paths pass there:
        // UAPI tokens are checked by the next line, which runs OpenIddict validation on a miss.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/oauth") || context.Request.Path.StartsWithSegments("/.well-known"),
            oauth => oauth.UseAuthentication());                   // lets OpenIddict see /oauth/token
        // WebApplication puts UseAuthentication() first in the pipeline (before the error and
        // readiness middlewares) unless the app calls it itself, and a call inside a branch does not
        // count; this is the flag UseAuthentication() sets (AuthAppBuilderExtensions).
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseCachedTokenAuthentication();                        // the caller as HttpContext.User, through a short cache
        app.UseRateLimiter();                                      // per app, by the token's client id
        app.UseMiddleware<EmptySegmentMiddleware>();               // `…/@me//phoneCallEvents`: extension_invalid, not 501
        app.MapTokenEndpoint();                                    // POST /oauth/token(.php)
        app.MapPhoneCallEvents();                                  // /uapi/extensions/{userId}/{extension}/phoneCallEvents
        app.MapDispatch();                                         // /pbx/callEvents, …/deliveries, /uapi/apps/@me/signingSecret
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        return app;
    }
}
