namespace CallEvents.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<ExtensionAccess>();
        services.AddScoped<AccountRegistry>();
        services.AddScoped<AccountPasswords>();
        services.AddSingleton<ManageableExtensions>(); // the console's list (Web/Console)
        return services;
    }
}
