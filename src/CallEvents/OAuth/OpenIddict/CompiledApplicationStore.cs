using System.Data.Common;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
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
/// Inside a transaction of the context (the CLI's and the console's units of work) the same SQL
/// runs on the context's connection, in the transaction, so that it sees what the transaction has
/// written (Storage/Sql/UnitOfWorkReads.cs): compiling EF Core's query for it there was a tenth of
/// `apps add` (bench/README.md, Start and memory (session 8)).
/// </summary>
public sealed class CompiledApplicationStore(IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options, PreparedSql sql)
    : OpenIddictEntityFrameworkCoreApplicationStore(cache, context, options)
{
    /// <summary>Every column of the entity, in the order <see cref="Read"/> reads them (the names EF Core's snake_case mapping gives them on both providers).</summary>
    private const string ByClientIdSql =
        "SELECT id, application_type, client_id, client_secret, client_type, concurrency_token, consent_type, display_name, " +
        "display_names, json_web_key_set, permissions, post_logout_redirect_uris, properties, redirect_uris, requirements, settings " +
        "FROM open_iddict_applications WHERE client_id = @p0";

    public override async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (CallEventsDb)await Context.GetDbContextAsync(cancellationToken);
        var read = await sql.ReadOneAsync(db, ByClientIdSql, identifier, Read, cancellationToken);
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
