namespace CallEvents.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<ExtensionAccess>();
        services.AddScoped<AccountRegistry>();
        services.AddScoped<Demo.DemoTenant>();
        return services;
    }
}
