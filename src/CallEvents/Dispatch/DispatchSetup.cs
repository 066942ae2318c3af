namespace CallEvents.Dispatch;

public static class DispatchSetup
{
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section));
        services.AddSingleton<DestinationPolicy>();
        return services;
    }
}
