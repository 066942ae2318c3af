using CallEvents.Accounts;
using CallEvents.OAuth;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Demo;

/// <summary>
/// A small tenant to try everything on: organization 0003 with two users, a second
/// organization 0004 to show isolation, and one trusted app each for the Admin, organization
/// 0003 and its first user. Created once; secrets are shown only then.
/// </summary>
public sealed class DemoTenant(CallEventsDb db, AccountRegistry accounts, AppRegistry apps, AccountPasswords passwords)
{
    public static readonly DemoAccounts Ids = new("admin", "sp-demo", "org-0003", "user-0003-ana", "user-0003-ben", "org-0004", "user-0004-cam");

    private static readonly (string Number, ExtensionType Type, string Owner)[] ExtensionPlan =
    [
        ("0003*210", ExtensionType.PhoneTerminal, Ids.User),
        ("0003*211", ExtensionType.PhoneTerminal, Ids.User),
        ("0003*250", ExtensionType.VoicemailCenter, Ids.User),
        ("0003*212", ExtensionType.PhoneTerminal, Ids.Colleague),
        ("0004*210", ExtensionType.PhoneTerminal, Ids.OtherUser),
    ];

    private const string AdminAppName = "Demo admin app", OrganizationAppName = "Demo organization app", UserAppName = "Demo user app";

    /// <summary>
    /// The demo accounts' documented passwords (README.md). Set only where the demo tenant seeds
    /// itself into a new embedded database (DemoAtStart): a password everyone knows has no place in
    /// a database that real tenants may share, where <c>callevents demo</c> may also be run.
    /// </summary>
    public static readonly DemoLogin[] Logins =
    [
        new(Ids.Admin, "demo-admin"),
        new(Ids.Organization, "demo-org-0003"),
        new(Ids.User, "demo-ana"),
        new(Ids.Colleague, "demo-ben"),
        new(Ids.OtherOrganization, "demo-org-0004"),
        new(Ids.OtherUser, "demo-cam"),
    ];

    public static DemoExtension[] Extensions =>
        [.. ExtensionPlan.Select(e => new DemoExtension(e.Number, e.Type.ToString(), e.Owner))];

    public async Task<DemoTenantOut> EnsureAsync(CancellationToken cancellationToken)
    {
        if (await db.Accounts.AnyAsync(a => a.Id == Ids.Organization, cancellationToken))
        {
            return new DemoTenantOut(false, null, Ids, Extensions);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var admin = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Kind == AccountKind.Admin, cancellationToken)
            ?? await accounts.AddAccountAsync(AccountKind.Admin, Ids.Admin, "Admin", null, null, cancellationToken);
        await accounts.AddAccountAsync(AccountKind.ServiceProvider, Ids.ServiceProvider, "Demo Service Provider", admin.Id, null, cancellationToken);
        await accounts.AddAccountAsync(AccountKind.Organization, Ids.Organization, "Demo Organization 0003", Ids.ServiceProvider, "0003", cancellationToken);
        await accounts.AddAccountAsync(AccountKind.User, Ids.User, "Ana (0003)", Ids.Organization, null, cancellationToken);
        await accounts.AddAccountAsync(AccountKind.User, Ids.Colleague, "Ben (0003)", Ids.Organization, null, cancellationToken);
        await accounts.AddAccountAsync(AccountKind.Organization, Ids.OtherOrganization, "Other Organization 0004", Ids.ServiceProvider, "0004", cancellationToken);
        await accounts.AddAccountAsync(AccountKind.User, Ids.OtherUser, "Cam (0004)", Ids.OtherOrganization, null, cancellationToken);
        foreach (var (number, type, owner) in ExtensionPlan)
        {
            await accounts.AddExtensionAsync(number, type, owner, cancellationToken);
        }
        var issued = new DemoApps(
            await apps.AddAsync(admin.Id, AdminAppName, trusted: true, cancellationToken),
            await apps.AddAsync(Ids.Organization, OrganizationAppName, trusted: true, cancellationToken),
            await apps.AddAsync(Ids.User, UserAppName, trusted: true, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new DemoTenantOut(true, issued, Ids with { Admin = admin.Id }, Extensions);
    }

    /// <summary>Gives the demo accounts their documented passwords (<see cref="Logins"/>).</summary>
    public async Task SetDemoPasswordsAsync(CancellationToken cancellationToken)
    {
        foreach (var login in Logins)
        {
            await passwords.SetAsync(login.AccountId, login.Password, cancellationToken);
        }
    }

    /// <summary>The demo apps' client ids (no secrets: those are shown once), or null when there is no demo tenant.</summary>
    public async Task<DemoClientIds?> ClientIdsAsync(CancellationToken cancellationToken)
    {
        if (!await db.Accounts.AnyAsync(a => a.Id == Ids.Organization, cancellationToken))
        {
            return null;
        }
        var found = await db.Apps.AsNoTracking()
            .Where(a => (a.AccountId == Ids.Organization && a.Name == OrganizationAppName) || (a.AccountId == Ids.User && a.Name == UserAppName) || a.Name == AdminAppName)
            .Select(a => new { a.Name, a.ClientId, a.CreatedAt })
            .ToListAsync(cancellationToken);
        string? First(string name) => found.Where(a => a.Name == name).OrderBy(a => a.CreatedAt).Select(a => a.ClientId).FirstOrDefault();
        return new DemoClientIds(First(AdminAppName), First(OrganizationAppName), First(UserAppName));
    }
}
