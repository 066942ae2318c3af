using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Destinations;
using CallEvents.Dispatch.Intake;
using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Sending;
using CallEvents.Dispatch.Signing;
using CallEvents.Uapi;

namespace CallEvents.Dispatch;

public static class DispatchSetup
{
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section));
        services.AddSingleton<DestinationPolicy>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryHttp>();
        services.AddScoped<SigningSecrets>();
        services.AddSingleton<SigningSecretCache>();
        services.AddSingleton<DeliveryPurge>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryPurge>());
        if (configuration.GetSection(DeliveryOptions.Section).GetValue(nameof(DeliveryOptions.SenderEnabled), true))
        {
            services.AddHostedService<DeliverySender>();
        }
        return services;
    }

    /// <summary>The PBX's intake, the delivery log and replays, and apps' signing secrets.</summary>
    public static IEndpointRouteBuilder MapDispatch(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/pbx/callEvents", CallEventIntake.HandleAsync).RequireCaller().WithTags("PBX");
        routes.MapDeliveryLog();
        routes.MapSigningSecrets();
        return routes;
    }
}
