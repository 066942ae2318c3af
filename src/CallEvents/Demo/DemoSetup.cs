using CallEvents.Hosting.Settings;

namespace CallEvents.Demo;

public static class DemoSetup
{
    /// <summary>The demo tenant (`callevents demo`, the first `serve` on a new SQLite file): built on Accounts and OAuth, owned by neither.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoTenant>();
        services.AddSettings<DemoOptions>();
        return services;
    }
}
