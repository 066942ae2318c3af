using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Demo;

/// <summary>
/// What <c>serve</c> did about the demo tenant before listening, for the terminal once it listens.
/// It seeds the tenant (a trusted Admin app among it) only into an embedded SQLite database
/// that this very start created, the README's one-command first run, and only under
/// <c>Demo:Seed=Auto</c>: never into PostgreSQL or an existing file, which is where real
/// tenants live; <c>callevents demo</c> seeds it anywhere, on purpose. Only this seeding gives the
/// demo accounts their documented passwords (DemoTenant.Logins).
/// </summary>
public sealed record DemoAtStart(DemoTenantOut? Created, DemoClientIds? Existing, bool NoAccounts)
{
    public static bool ShouldSeed(DemoSeed seed, DatabaseProvider provider, bool newDatabase) =>
        seed == DemoSeed.Auto && provider == DatabaseProvider.Sqlite && newDatabase;

    public static async Task<DemoAtStart> PrepareAsync(IServiceProvider services, bool newDatabase, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var seed = scope.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value.Seed;
        var provider = scope.ServiceProvider.GetRequiredService<DatabaseOptions>().Provider;
        var tenant = scope.ServiceProvider.GetRequiredService<DemoTenant>();
        if (ShouldSeed(seed, provider, newDatabase) && await tenant.EnsureAsync(cancellationToken) is { Created: true } created)
        {
            await tenant.SetDemoPasswordsAsync(cancellationToken);
            return new DemoAtStart(created, null, false);
        }
        if (await tenant.ClientIdsAsync(cancellationToken) is { } existing)
        {
            return new DemoAtStart(null, existing, false);
        }
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        return new DemoAtStart(null, null, !await db.Accounts.AnyAsync(cancellationToken));
    }

    /// <summary>What to print once listening on <paramref name="baseUrl"/>; null when there is nothing to say.</summary>
    public string? Banner(string baseUrl) =>
        Created is not null ? DemoBanner.Credentials(Created, baseUrl) + DemoBanner.SignIns(DemoTenant.Logins) + DemoBanner.CurlSequence()
        : Existing is not null ? DemoBanner.Existing(Existing)
        : NoAccounts ? DemoBanner.NoAccounts
        : null;
}
