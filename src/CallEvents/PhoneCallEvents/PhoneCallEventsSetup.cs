namespace CallEvents.PhoneCallEvents;

public static class PhoneCallEventsSetup
{
    public static IServiceCollection AddPhoneCallEvents(this IServiceCollection services)
    {
        // PhoneCallEventsOptions is registered with every command's settings (Program.AddCommandServices).
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = Uapi.UapiJson.Options.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = Uapi.UapiJson.Options.Encoder;
        });
        return services;
    }
}
