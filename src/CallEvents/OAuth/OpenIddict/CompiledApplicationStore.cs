using System.Collections.Concurrent;
using System.Data.Common;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace CallEvents.OAuth.OpenIddict;

/// <summary>
/// OpenIddict's Entity Framework Core application store, with the one query every token request
/// makes (the client by its id) as plain SQL on <see cref="PreparedSql"/>'s connections: in a
/// token-issue profile, EF Core's query (compiled once: building it from LINQ each time was
/// another 5% before) with the context's connection opened and closed around it was about 15% of
/// the CPU of a token (bench/README.md, UAPI on SQLite, session 4). The application read is
/// attached to the context as EF Core's tracking query would leave it (unchanged, or the instance
/// the context already tracks), so everything after it behaves as before: the token endpoint
/// takes the secret stamp from the tracked application (SecretStamp.cs), and an update or a removal
/// through OpenIddict's manager saves it. The client is still read from the database on every
/// request, so a secret regenerated on another node is refused at once.
/// Inside a transaction of the context (the CLI's and the console's units of work) the read stays
/// EF Core's, on the context's connection, so that it sees what the transaction has written.
/// </summary>
public sealed class CompiledApplicationStore(IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options, PreparedSql sql)
    : OpenIddictEntityFrameworkCoreApplicationStore(cache, context, options)
{
    // One compiled query per provider's context type: EF Core ties a compiled query to the model
    // it first runs against, and one process may hold SQLite and PostgreSQL hosts.
    private static readonly ConcurrentDictionary<Type, Func<CallEventsDb, string, CancellationToken, Task<OpenIddictEntityFrameworkCoreApplication?>>> ByClientId = new();

    /// <summary>Every column of the entity, in the order <see cref="Read"/> reads them (the names EF Core's snake_case mapping gives them on both providers).</summary>
    private const string ByClientIdSql =
        "SELECT id, application_type, client_id, client_secret, client_type, concurrency_token, consent_type, display_name, " +
        "display_names, json_web_key_set, permissions, post_logout_redirect_uris, properties, redirect_uris, requirements, settings " +
        "FROM open_iddict_applications WHERE client_id = @p0";

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (CallEventsDb)await Context.GetDbContextAsync(cancellationToken);
        if (db.Database.CurrentTransaction is not null)
        {
            var query = ByClientId.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((CallEventsDb context, string clientId, CancellationToken _) =>
                context.Set<OpenIddictEntityFrameworkCoreApplication>().AsTracking().FirstOrDefault(application => application.ClientId == clientId)));
            return await query(db, identifier, cancellationToken);
        }

        OpenIddictEntityFrameworkCoreApplication? read;
        await using (var lease = await sql.OpenAsync(cancellationToken))
        {
            await using var reader = await lease.Command(ByClientIdSql, identifier).ExecuteReaderAsync(cancellationToken);
            read = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }
        if (read is null)
        {
            return null;
        }
        // Identity resolution, as a tracking query does it: an instance the context already tracks wins.
        var applications = db.Set<OpenIddictEntityFrameworkCoreApplication>();
        if (applications.Local.FindEntry(read.Id) is { } tracked)
        {
            return tracked.Entity;
        }
        applications.Attach(read);
        return read;
    }

    private static OpenIddictEntityFrameworkCoreApplication Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ApplicationType = StringOrNull(reader, 1),
        ClientId = StringOrNull(reader, 2),
        ClientSecret = StringOrNull(reader, 3),
        ClientType = StringOrNull(reader, 4),
        ConcurrencyToken = StringOrNull(reader, 5),
        ConsentType = StringOrNull(reader, 6),
        DisplayName = StringOrNull(reader, 7),
        DisplayNames = StringOrNull(reader, 8),
        JsonWebKeySet = StringOrNull(reader, 9),
        Permissions = StringOrNull(reader, 10),
        PostLogoutRedirectUris = StringOrNull(reader, 11),
        Properties = StringOrNull(reader, 12),
        RedirectUris = StringOrNull(reader, 13),
        Requirements = StringOrNull(reader, 14),
        Settings = StringOrNull(reader, 15),
    };

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
