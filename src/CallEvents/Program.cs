using CallEvents.Accounts;
using CallEvents.ApiReference;
using CallEvents.Demo;
using CallEvents.Dispatch;
using CallEvents.Hosting;
using CallEvents.Hosting.Settings;
using CallEvents.Hosting.Startup;
using CallEvents.Limits;
using CallEvents.OAuth;
using CallEvents.OAuth.Authorization;
using CallEvents.OAuth.Tokens;
using CallEvents.Observability;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using CallEvents.Uapi;
using CallEvents.Web;
using CallEvents.Web.Console;

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
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddCommandServices(builder.Services, builder.Configuration); // what every command has: settings, storage, accounts, apps
        builder.ConfigureServing();                                // Kestrel: default URLs, HTTPS certificate, limits
        builder.Services.AddPublicAddress(builder.Configuration);  // allowed hosts, the base of every link
        builder.Services.AddTrustedProxies();                      // X-Forwarded-For/Proto from configured proxies only
        builder.Services.AddOAuth();                               // OpenIddict: token endpoint and validation
        builder.Services.AddPhoneCallEvents();                     // the resource
        builder.Services.AddDispatch(builder.Configuration);       // destinations, delivery
        builder.Services.AddUapiRateLimiting();                    // 429 per app (Uapi/RateLimiting.cs)
        builder.Services.AddApiReference();                        // OpenAPI 3.1 from the endpoints
        builder.Services.AddWebPages();                            // server-rendered pages (Web/)
        builder.Services.AddConsole();                             // the web console: an OAuth client of this server (Web/Console)
        builder.AddObservability();                                // health checks, metrics, traces (Observability/)
        return builder;
    }

    /// <summary>
    /// The host of a command that works on the database without serving (migrate, demo, accounts,
    /// apps, consents): the server's configuration sources, with appsettings.json beside the
    /// executable wherever it is started from (the default, the working directory, loses it), and
    /// <see cref="AddCommandServices"/>; no Kestrel, OpenIddict server, pages, OpenAPI or telemetry.
    /// </summary>
    public static HostApplicationBuilder CreateCommandBuilder(string[] args)
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables(prefix: "ASPNETCORE_"); // as WebApplication.CreateBuilder does (ASPNETCORE_ENVIRONMENT, _URLS)
        // The same appsettings files, read once: a command ends before a change could matter, and
        // watching them costs a file watcher and its thread (bench/README.md, Start and memory (session 9)).
        configuration.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory, Configuration = configuration });
        AddCommandServices(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Every settings group, those only `serve` reads too: a bad value stops `apps add` as it stops the server.</summary>
    private static void AddCommandServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<HostingOptions>().Services.AddSettings<PhoneCallEventsOptions>().Services.AddSettings<RateLimitingOptions>();
        services.AddSettings<MetricsOptions>().Services.AddSettings<OpenTelemetryOptions>();
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(configuration);                        // EF Core on SQLite or PostgreSQL
        services.AddAccounts();                                    // hierarchy, extensions, contexts
        services.AddDemo();                                        // the demo tenant (`demo`, `serve --demo`)
        services.AddOAuthCore();                                   // OpenIddict's core: apps, secrets, consents
        services.AddDispatchCore();                                // delivery settings, apps' signing secrets
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseTrustedProxies();                                   // the client's address and scheme behind a reverse proxy
        app.UseObservability();                                    // request log; /healthz, /readyz, /metrics answer even while starting
        app.UseGroupCommit();                                      // Durability=Full: answers wait for a shared fsync
        app.UseMiddleware<UapiErrorMiddleware>();                  // every failure as the UAPI envelope
        app.UseMiddleware<DatabaseReadinessMiddleware>();          // 503 until `serve` has reached the database
        app.UseMiddleware<QueryTokenMiddleware>();                 // ?accessRequestToken=Bearer%20…
        // OpenIddict's handlers run a pipeline of their own on every request the authentication
        // middleware sees (bench/README.md): only its own paths; UAPI tokens are checked below.
        app.UseAuthenticationOnlyFor(c => OAuthSetup.IsOAuthPath(c) || ConsoleSetup.IsSignInCallback(c)); // OpenIddict's paths, the console's sign-in callback (Hosting/BranchedAuthentication.cs)
        app.UseCachedTokenAuthentication();                        // the caller as HttpContext.User, through a short cache
        app.UseBearerFailureLimit();                               // refused tokens: 429 per address after a budget (Limits/)
        app.UseRateLimiter();                                      // per app, by the token's client id
        app.UseWebPages();                                         // page headers (CSP), embedded assets, antiforgery
        app.UseMiddleware<EmptySegmentMiddleware>();               // `…/@me//phoneCallEvents`: extension_invalid, not 501
        app.MapTokenEndpoint();                                    // POST /oauth/token(.php)
        app.MapAuthorizationEndpoint();                            // /oauth/authorize(.php): sign-in, consent, code
        app.MapPhoneCallEvents();                                  // /uapi/extensions/{userId}/{extension}/phoneCallEvents
        app.MapDispatch();                                         // /pbx/callEvents, …/deliveries, /uapi/apps/@me/signingSecret
        app.MapApiReference();                                     // /openapi/v1.json and /docs (Scalar, served offline)
        app.MapWebPages();                                         // every @page component (Web/)
        app.MapConsole();                                          // /console (Web/Console)
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        return app;
    }
}
