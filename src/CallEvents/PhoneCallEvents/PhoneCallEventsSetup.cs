namespace CallEvents.PhoneCallEvents;

public static class PhoneCallEventsSetup
{
    public static IServiceCollection AddPhoneCallEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PhoneCallEventsOptions>()
            .Bind(configuration.GetSection(PhoneCallEventsOptions.Section))
            .Validate(o => o.MaxPerExtension is > 0 and <= 100_000, "PhoneCallEvents:MaxPerExtension must be 1–100000.")
            .ValidateOnStart();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = Uapi.UapiJson.Options.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = Uapi.UapiJson.Options.Encoder;
        });
        return services;
    }
}
