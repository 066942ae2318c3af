using CallEvents.Accounts;
using CallEvents.Demo;
using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.PhoneCallEvents;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Accounts;

/// <summary>
/// Contract §4 has two readers: the full path (ExtensionAccess, which says which error) and the
/// one-round-trip single delete (SingleDelete), which must delete exactly when the full path
/// allows. Over HTTP a fast path that refuses too much is invisible (the full path runs after it
/// and deletes), so this asks both directly, on the real database, for every cell of the context
/// matrix — each account an app can hold × each userId form × each demo extension, extended and
/// short — with the permission denied on each account in turn. The fast delete runs in a
/// transaction that is rolled back, so every cell sees the same events.
/// </summary>
public sealed class SingleDeleteAgreementTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string NoDenial = "(none)";
    private const string MadeUpEventId = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private static readonly DemoAccounts Ids = DemoTenant.Ids;

    /// <summary>Every demo extension, and one that does not exist.</summary>
    private static readonly string[] Extensions = [.. DemoTenant.Extensions.Select(e => e.Number), "0003*299"];

    private static readonly string[] UserIds =
        ["@me", "@viewer", "@owner", Ids.User, Ids.Colleague, Ids.OtherUser, Ids.Organization, "no-such-user", "@self"];

    private readonly DemoClients _clients = new(fixture.Host);

    public static TheoryData<string> DeniedAccounts() =>
        [NoDenial, Ids.Admin, Ids.ServiceProvider, Ids.Organization, Ids.User, Ids.Colleague, Ids.OtherOrganization, Ids.OtherUser];

    [Theory]
    [MemberData(nameof(DeniedAccounts))]
    public async Task TheOneRoundTripDeleteDeletesExactlyWhenTheFullPathAllows(string deniedAccount)
    {
        var services = fixture.Host.Services;
        var access = services.GetRequiredService<ExtensionAccess>();
        var sql = services.GetRequiredService<PreparedSql>();
        var callers = await CallersAsync();
        var events = await SeedAsync();

        var mismatches = new List<string>();
        int fast = 0, deleted = 0, refused = 0;
        await SetDeniedAsync(deniedAccount, true);
        try
        {
            foreach (var caller in callers)
            {
                foreach (var userId in UserIds)
                {
                    foreach (var extension in Extensions)
                    {
                        foreach (var written in new[] { extension, extension[5..] })
                        {
                            var eventId = events.GetValueOrDefault(extension, MadeUpEventId);
                            var cell = $"denied {deniedAccount}, {caller.AccountId} as {userId} on {written}";
                            var full = await FullPathAsync(access, caller, userId, written);
                            var values = new RouteValueDictionary { ["userId"] = userId, ["extension"] = written, ["eventType"] = "2", ["eventId"] = eventId };
                            var built = SingleDelete.TryBuild(caller, values, out var delete, out var parameters);
                            if (built != TakesTheFastPath(caller, userId, written))
                            {
                                mismatches.Add($"{cell}: the fast path was {(built ? "" : "not ")}taken");
                            }
                            if (!built)
                            {
                                continue;
                            }
                            fast++;
                            // The event is on `extension`: the full path allows deleting it only if it resolved the URI there.
                            var allows = full == extension;
                            var gone = await DeletesAsync(sql, delete, parameters);
                            deleted += gone ? 1 : 0;
                            refused += allows ? 0 : 1;
                            if (gone != allows)
                            {
                                mismatches.Add($"{cell}: full path {full}, fast delete {(gone ? "deleted" : "deleted nothing")}");
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            await SetDeniedAsync(deniedAccount, false);
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} cells disagree:\n" + string.Join("\n", mismatches.Take(30)));
        // Not vacuous: the fast path ran, refused, and deleted — nothing where the denial is above
        // every extension (the Admin, or the one service provider both demo organizations are under).
        Assert.True(fast > 0 && refused > 0, $"fast {fast}, refused {refused}");
        Assert.Equal(deniedAccount != Ids.Admin && deniedAccount != Ids.ServiceProvider, deleted > 0);
    }

    /// <summary>
    /// The plain case the fast path takes: a well-formed userId, a number it can resolve without
    /// a lookup (not short with a named user, nor short without an organization), and not a
    /// User-context caller naming someone else (always an error: the full path says which).
    /// </summary>
    private static bool TakesTheFastPath(Caller caller, string userId, string written)
    {
        var named = userId.StartsWith('@') ? null : userId;
        var isShort = written.Length == 3;
        return userId != "@self"
            && !(isShort && (named is not null || caller.OrganizationCode is null))
            && !(caller.Kind == AccountKind.User && named is not null && named != caller.AccountId);
    }

    /// <summary>The extended number the full path allows the caller to manage through this URI, or the error it answers.</summary>
    private static async Task<string> FullPathAsync(ExtensionAccess access, Caller caller, string userId, string extension)
    {
        try
        {
            return (await access.ResolveAsync(caller, userId, extension, CancellationToken.None)).Number;
        }
        catch (UapiException e)
        {
            return e.Error.Code;
        }
    }

    private static async Task<bool> DeletesAsync(PreparedSql sql, string delete, object?[] parameters)
    {
        await using var lease = await sql.OpenAsync(CancellationToken.None);
        await using var transaction = await lease.Connection.BeginTransactionAsync();
        var command = lease.Command(delete, parameters);
        command.Transaction = transaction;
        var id = await command.ExecuteScalarAsync();
        await transaction.RollbackAsync();
        return id is string;
    }

    /// <summary>A caller for each account an app can be registered to (§2: never a Service Provider), as the token endpoint builds it.</summary>
    private async Task<List<Caller>> CallersAsync()
    {
        using var scope = fixture.Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.Kind != AccountKind.ServiceProvider).OrderBy(a => a.Id).ToListAsync();
        var codes = await db.Accounts.AsNoTracking().Where(a => a.Kind == AccountKind.Organization).ToDictionaryAsync(a => a.Id, a => a.OrganizationCode);
        return [.. accounts.Select(a => new Caller(a.Id, a.Kind, a.OrganizationId,
            a.OrganizationId is { } organization ? codes[organization] : null, "agreement-test"))];
    }

    /// <summary>An event of type 2 on each extension that may have events.</summary>
    private async Task<Dictionary<string, string>> SeedAsync()
    {
        var admin = await _clients.AdminAsync();
        var events = new Dictionary<string, string>();
        foreach (var extension in DemoTenant.Extensions.Where(e => Enum.Parse<ExtensionType>(e.Type).AllowsPhoneCallEvents()))
        {
            events[extension.Number] = await Hooks.CreateAsync(admin, "@owner", extension.Number, type: 2);
        }
        return events;
    }

    private async Task SetDeniedAsync(string accountId, bool denied)
    {
        if (accountId == NoDenial)
        {
            return;
        }
        using var scope = fixture.Host.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountRegistry>().SetPhoneCallEventsDeniedAsync(accountId, denied, CancellationToken.None);
    }
}
