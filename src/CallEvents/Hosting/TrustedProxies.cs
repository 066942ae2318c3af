using CallEvents.Hosting.Settings;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace CallEvents.Hosting;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, over its scheme: the
/// per-address failure budgets (Limits/) would then be one budget for all clients, and cookies
/// would not be marked Secure behind a TLS-terminating proxy. ASP.NET Core's forwarded-headers
/// middleware restores both from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, for
/// requests from <see cref="HostingOptions.TrustedProxies"/> only. <c>X-Forwarded-Host</c> is never
/// read: links and the issuer come from <see cref="HostingOptions.PublicBaseUrl"/>.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HostingOptions>>((options, hosting) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: ASP.NET Core's default trusts loopback, which here is
            // where the tests' (and a local attacker's) requests come from.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in SettingsCheck.NetworksOf(hosting.Value.TrustedProxies))
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address; nothing when no proxy is trusted.</summary>
    public static void UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<HostingOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }
    }
}
