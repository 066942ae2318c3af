using CallEvents.Hosting.Settings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace CallEvents.Storage.Secrets;

public static class SecretsSetup
{
    /// <summary>The Data Protection key ring's directory inside the data directory (SQLite).</summary>
    public const string KeyRingDirectoryName = "data-protection";

    /// <summary>
    /// The <see cref="SecretsKey"/>, and ASP.NET Core Data Protection's key ring kept and sealed with
    /// it. ASP.NET Core registers Data Protection whatever the app does; left alone, it keeps its
    /// ring in the user's home directory, or in memory where there is none, in the clear, and warns
    /// so at start. The ring seals the cookies of the sign-in page and the console (their sessions,
    /// the OAuth handler's correlation and state) and the antiforgery tokens of their forms, so every
    /// node must share it for a sign-in begun on one node to end on another: on PostgreSQL it is in the database
    /// (<c>data_protection_keys</c>, shared by every node like the rest: docs/scale-out.md); on
    /// SQLite beside the database, in <c>{DataDirectory}/data-protection/</c> (0700).
    /// </summary>
    public static IServiceCollection AddSecretsAtRest(this IServiceCollection services, IConfiguration configuration, DatabaseOptions database)
    {
        services.AddSettings<SecretsOptions>();
        services.AddSingleton<SecretsKey>();
        // One discriminator for every node and install path (the default is the content root).
        var dataProtection = services.AddDataProtection().SetApplicationName("callevents");
        string? directory = null;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            dataProtection.PersistKeysToDbContext<CallEventsDb>();
        }
        else
        {
            directory = Path.Combine(StorageSetup.DataDirectory(configuration), KeyRingDirectoryName);
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(directory));
        }
        services.AddOptions<KeyManagementOptions>().Configure<SecretsKey>((options, key) =>
        {
            options.XmlEncryptor = new KeyRingEncryptor(key);
            if (directory is not null)
            {
                // Before the ring first writes there: it would make the directory 0755.
                PrivateFiles.CreateOwnDirectory(directory);
            }
        });
        return services;
    }
}
