using System.Collections.Concurrent;
using System.Net;
using System.Text.Encodings.Web;
using CallEvents.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallEvents.Tests.Hosting;

/// <summary>
/// Pins the one private detail of ASP.NET Core the pipeline relies on (Hosting/BranchedAuthentication.cs):
/// authentication request handlers, OpenIddict's among them, see the token endpoint's requests,
/// once each (WebApplication added no authentication middleware of its own), and never a UAPI
/// request. A handler that counts its calls stands for OpenIddict's.
/// </summary>
public sealed class BranchedAuthenticationTests
{
    [Fact]
    public async Task AuthenticationRequestHandlersSeeEachTokenRequestOnceAndNoUapiRequest()
    {
        var calls = new SeenPaths();
        await using var host = await CallEventsHost.StartAsync(configureServices: services =>
        {
            services.AddSingleton(calls);
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, CountingRequestHandler>("counting", _ => { });
        });

        var token = await host.TokenAsync(a => a.User);
        using var client = host.ClientWith(token);
        using var list = await client.GetAsync(UapiCalls.Events("@me", "0003*210"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        using var intake = await admin.PostAsync("/pbx/callEvents", UapiCalls.Json("""{"events":[]}"""));
        Assert.NotEqual(HttpStatusCode.Unauthorized, intake.StatusCode);

        Assert.Equal(2, calls.Count(path => path == "/oauth/token.php")); // two tokens asked for, each request seen once
        Assert.Equal(0, calls.Count(path => !path.StartsWith("/oauth/", StringComparison.Ordinal)));
    }

    private sealed class SeenPaths
    {
        private readonly ConcurrentQueue<string> _paths = new();

        public void Add(string path) => _paths.Enqueue(path);

        public int Count(Func<string, bool> which) => _paths.Count(which);
    }

    private sealed class CountingRequestHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SeenPaths seen)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
    {
        public Task<bool> HandleRequestAsync()
        {
            seen.Add(Request.Path.Value ?? "");
            return Task.FromResult(false);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
