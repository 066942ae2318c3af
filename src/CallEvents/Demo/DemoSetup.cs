namespace CallEvents.Demo;

public static class DemoSetup
{
    /// <summary>The demo tenant (`callevents demo`, `serve --demo`): built on Accounts and OAuth, owned by neither.</summary>
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoTenant>();
        return services;
    }
}
