using CallEvents.Uapi;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace CallEvents.Hosting;

/// <summary>
/// Which <c>Host</c> a request may name, and so which hosts links can be built on
/// (Uapi/UapiLinks.cs). ASP.NET Core's host filtering does the check, from <c>AllowedHosts</c>;
/// when that is not set, the allowed hosts are loopback's names and the host of
/// <see cref="HostingOptions.PublicBaseUrl"/>, instead of ASP.NET Core's default "*" (under which
/// any client could choose the host of the links it is sent). A refused host is answered 400 in the
/// UAPI envelope rather than ASP.NET Core's HTML page.
/// </summary>
public static class PublicAddress
{
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private const string ReachedKey = "CallEvents.HostAllowed";

    public static IServiceCollection AddPublicAddress(this IServiceCollection services, IConfiguration configuration)
    {
        // HostingOptions is registered with every command's settings (Program.AddCommandServices).
        // Configure runs before the PostConfigure of ASP.NET Core's defaults, which fills in "*"
        // only when the list is still empty.
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<HostingOptions>>((options, hosting) =>
        {
            var configured = configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            options.AllowedHosts = configured is { Length: > 0 }
                ? configured
                : [.. LoopbackHosts, .. hosting.Value.PublicBase is { } publicBase ? [publicBase.IdnHost] : Array.Empty<string>()];
            options.IncludeFailureMessage = false; // the envelope is written by the outer filter below
        });
        // Startup filters wrap the app in the order they are registered, the first outermost: one
        // around ASP.NET Core's host filtering (registered with the web host's defaults) writes the
        // envelope when it refused; one inside it marks the requests it let through.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, AnswerRefusedHost>());
        services.AddTransient<IStartupFilter, MarkAllowedHost>();
        return services;
    }

    private sealed class AnswerRefusedHost : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                await inner(context);
                if (!context.Items.ContainsKey(ReachedKey) && context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted)
                {
                    await UapiJson.WriteErrorAsync(context, UapiError.RequestInvalid);
                }
            });
            next(app);
        };
    }

    private sealed class MarkAllowedHost : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                context.Items[ReachedKey] = true;
                return inner(context);
            });
            next(app);
        };
    }
}
