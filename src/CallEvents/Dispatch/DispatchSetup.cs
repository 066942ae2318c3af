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
    /// <summary>The delivery settings and apps' signing secrets: what the CLI's <c>apps</c> commands use too (Program.CreateCommandBuilder).</summary>
    public static IServiceCollection AddDispatchCore(this IServiceCollection services)
    {
        services.AddSettings<DeliveryOptions>();
        services.AddScoped<SigningSecrets>();
        services.AddSingleton<SigningSecretCache>();
        return services;
    }

    /// <summary>On top of <see cref="AddDispatchCore"/>, what <c>serve</c> adds: destinations, the sender and the purge.</summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HostLookup>(Dns.GetHostAddressesAsync);
        services.AddSingleton<RegistrationDns>();
        services.AddSingleton<DestinationPolicy>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryHttp>();
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
