using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace CallEvents.Tests.OAuth;

/// <summary>
/// The token request's client lookup is plain SQL (OAuth/OpenIddict/CompiledApplicationStore.cs),
/// and must leave the context as EF Core's tracking query did: everything after it (the secret
/// stamp, an update or a removal through OpenIddict's manager) relies on that.
/// </summary>
public sealed class ApplicationStoreTests
{
    [Fact]
    public async Task TheClientIsFoundWithEveryColumnAndTrackedUnchangedOrAsTheInstanceTheContextAlreadyTracks()
    {
        await using var host = await CallEventsHost.StartAsync();
        var clientId = host.Demo.Apps!.User.ClientId;

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            var stored = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(a => a.ClientId == clientId);
            var found = await Store(scope).FindByClientIdAsync(clientId, CancellationToken.None);

            Assert.NotNull(found);
            Assert.Equal(EntityState.Unchanged, db.Entry(found).State);
            Assert.Equal(Columns(stored), Columns(found));
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            var tracked = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsTracking().SingleAsync(a => a.ClientId == clientId);
            Assert.Same(tracked, await Store(scope).FindByClientIdAsync(clientId, CancellationToken.None));
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            Assert.Null(await Store(scope).FindByClientIdAsync("app_" + new string('x', 24), CancellationToken.None));
        }
    }

    [Fact]
    public async Task InsideATransactionOfTheContextTheClientIsReadAsTheTransactionSeesIt()
    {
        await using var host = await CallEventsHost.StartAsync();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var clientId = host.Demo.Apps!.User.ClientId;

        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == clientId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.DisplayName, "renamed, not committed"));
        var found = await Store(scope).FindByClientIdAsync(clientId, CancellationToken.None);
        await transaction.RollbackAsync();

        Assert.Equal("renamed, not committed", found?.DisplayName);
    }

    private static IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> Store(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication>>();

    private static string?[] Columns(OpenIddictEntityFrameworkCoreApplication a) =>
    [
        a.Id, a.ApplicationType, a.ClientId, a.ClientSecret, a.ClientType, a.ConcurrencyToken, a.ConsentType, a.DisplayName,
        a.DisplayNames, a.JsonWebKeySet, a.Permissions, a.PostLogoutRedirectUris, a.Properties, a.RedirectUris, a.Requirements, a.Settings,
    ];
}
