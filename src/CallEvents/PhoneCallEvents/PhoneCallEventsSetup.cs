using CallEvents.Hosting.Settings;

namespace CallEvents.PhoneCallEvents;

public static class PhoneCallEventsSetup
{
    public static IServiceCollection AddPhoneCallEvents(this IServiceCollection services)
    {
        services.AddSettings<PhoneCallEventsOptions>();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = Uapi.UapiJson.Options.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = Uapi.UapiJson.Options.Encoder;
        });
        return services;
    }
}
