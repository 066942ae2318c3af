using System.Net;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Destinations;
using CallEvents.Dispatch.Intake;
using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Sending;
using CallEvents.Dispatch.Signing;
using CallEvents.Hosting.Settings;
using CallEvents.Uapi;
using CallEvents.Uapi.Declarations;

namespace CallEvents.Dispatch;

public static class DispatchSetup
{
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DeliveryOptions>();
        services.AddSingleton<HostLookup>(Dns.GetHostAddressesAsync);
        services.AddSingleton<RegistrationDns>();
        services.AddSingleton<DestinationPolicy>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryHttp>();
        services.AddScoped<SigningSecrets>();
        services.AddSingleton<SigningSecretCache>();
        services.AddSingleton<DeliveryPurge>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryPurge>());
        if (SettingsReader.Read<DeliveryOptions>(configuration).SenderEnabled)
        {
            services.AddSingleton<DeliverySender>(); // the readiness check and the slots gauge look at it (Observability/)
            services.AddHostedService(provider => provider.GetRequiredService<DeliverySender>());
        }
        return services;
    }

    /// <summary>The PBX's intake, the delivery log and replays, and apps' signing secrets.</summary>
    public static IEndpointRouteBuilder MapDispatch(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/pbx/callEvents", CallEventIntake.HandleAsync).RequireCaller().WithTags("PBX")
            .WithName("reportCallEvents").WithSummary("The PBX reports call events (Admin only)")
            .Takes<CallEventFields[]>("application/json")
            .Answers(UapiError.PceAccessDenied, UapiError.RequestTooLarge, UapiError.RequestInvalid, UapiError.ExtensionInvalid);
        routes.MapDeliveryLog();
        routes.MapSigningSecrets();
        return routes;
    }
}
