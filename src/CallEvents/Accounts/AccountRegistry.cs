using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Accounts;

/// <summary>
/// Provisioning of the hierarchy (contract §2), for the command line and the demo tenant.
/// Every rule of the shape is enforced here: who may be whose parent, 4-digit organization
/// codes, extension numbers inside the owner's organization.
/// </summary>
public sealed class AccountRegistry(CallEventsDb db, TimeProvider clock)
{
    public async Task<Account> AddAccountAsync(AccountKind kind, string? id, string name, string? parentId, string? organizationCode, CancellationToken cancellationToken)
    {
        id ??= kind.ToString().ToLowerInvariant() + "-" + ObjectIds.NewId(10);
        if (!ObjectIds.IsObjectId(id))
        {
            throw new ArgumentException($"'{id}' is not an Object-Id (letters, digits, '_', '.', '-').");
        }
        if (await db.Accounts.AnyAsync(a => a.Id == id, cancellationToken))
        {
            throw new ArgumentException($"An account '{id}' exists already.");
        }
        var expectedParent = kind switch
        {
            AccountKind.Admin => (AccountKind?)null,
            AccountKind.ServiceProvider => AccountKind.Admin,
            AccountKind.Organization => AccountKind.ServiceProvider,
            _ => AccountKind.Organization,
        };
        Account? parent = null;
        if (expectedParent is null)
        {
            if (parentId is not null)
            {
                throw new ArgumentException("The Admin account has no parent.");
            }
            if (await db.Accounts.AnyAsync(a => a.Kind == AccountKind.Admin, cancellationToken))
            {
                throw new ArgumentException("There is one Admin account, and it exists already.");
            }
        }
        else
        {
            parentId ??= expectedParent == AccountKind.Admin
                ? await db.Accounts.Where(a => a.Kind == AccountKind.Admin).Select(a => a.Id).FirstOrDefaultAsync(cancellationToken)
                : null;
            parent = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == parentId, cancellationToken);
            if (parent is null || parent.Kind != expectedParent)
            {
                throw new ArgumentException($"A {kind} needs a parent {expectedParent} account (--parent).");
            }
        }
        if (kind == AccountKind.Organization)
        {
            if (!ExtensionNumber.IsOrganizationCode(organizationCode))
            {
                throw new ArgumentException("An organization needs a 4-digit code (--code 0003).");
            }
            if (await db.Accounts.AnyAsync(a => a.OrganizationCode == organizationCode, cancellationToken))
            {
                throw new ArgumentException($"Organization code {organizationCode} is taken.");
            }
        }
        else if (organizationCode is not null)
        {
            throw new ArgumentException("Only an organization has a code.");
        }

        var account = new Account
        {
            Id = id,
            Kind = kind,
            Name = name,
            ParentId = parent?.Id,
            OrganizationCode = organizationCode,
            OrganizationId = kind switch
            {
                AccountKind.Organization => id,
                AccountKind.User => parent!.Id,
                _ => null,
            },
            CreatedAt = clock.GetUtcNow(),
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    public async Task<Extension> AddExtensionAsync(string number, ExtensionType type, string ownerId, CancellationToken cancellationToken)
    {
        var owner = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == ownerId && a.Kind == AccountKind.User, cancellationToken)
            ?? throw new ArgumentException($"No user '{ownerId}'.");
        var code = await db.Accounts.Where(a => a.Id == owner.OrganizationId).Select(a => a.OrganizationCode).FirstAsync(cancellationToken);
        if (!ExtensionNumber.TryParse(number, out var parsed))
        {
            throw new ArgumentException($"'{number}' is not an extension number (0003*210, or 210 inside the owner's organization).");
        }
        var extended = parsed.IsShort ? parsed.Extended(code!) : number;
        if (parsed.OrganizationCode is { } given && given != code)
        {
            throw new ArgumentException($"Extension {number} is outside the owner's organization {code}.");
        }
        if (await db.Extensions.AnyAsync(e => e.Number == extended, cancellationToken))
        {
            throw new ArgumentException($"Extension {extended} exists already.");
        }
        var extension = new Extension
        {
            Number = extended,
            Type = type,
            OwnerId = owner.Id,
            OrganizationId = owner.OrganizationId!,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Extensions.Add(extension);
        await db.SaveChangesAsync(cancellationToken);
        return extension;
    }

    /// <summary>Denies (or allows again) managing phone call events on an account and everything beneath it.</summary>
    public async Task SetPhoneCallEventsDeniedAsync(string accountId, bool denied, CancellationToken cancellationToken)
    {
        var changed = await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.PhoneCallEventsDenied, denied), cancellationToken);
        if (changed == 0)
        {
            throw new ArgumentException($"No account '{accountId}'.");
        }
    }
}
