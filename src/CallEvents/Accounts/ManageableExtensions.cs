using System.Globalization;
using CallEvents.Storage.Sql;

namespace CallEvents.Accounts;

/// <summary>
/// The extensions a caller may manage the phone call events of (contract §4 through <c>@me</c>:
/// the Admin every one, an organization its users', a user its own), a page at a time, with an
/// optional search on the number and the owner's name: the console's list. The rules are
/// <see cref="ExtensionScope"/>'s, as SQL, the same conditions <see cref="ExtensionAccess"/> checks
/// one extension with, so the list never shows an extension that the API would refuse.
/// </summary>
public sealed class ManageableExtensions(PreparedSql sql)
{
    /// <summary>One extension of the list.</summary>
    public sealed record Row(string Number, ExtensionType Type, string OwnerId, string OwnerName, int EventCount);

    /// <summary>The page of extensions, by number, and how many match in all (0 when the page is past the end).</summary>
    public async Task<(List<Row> Rows, int Total)> ListAsync(Caller caller, string? search, int startIndex, int count, CancellationToken cancellationToken)
    {
        var scope = ExtensionScope.For(caller, null);
        var rows = new List<Row>();
        if (!scope.CanMatch)
        {
            return (rows, 0);
        }
        var pattern = "%" + Escape((search ?? "").Trim().ToLowerInvariant()) + "%";
        var total = 0;
        await using var lease = await sql.OpenAsync(cancellationToken);
        await using var reader = await lease.Command(ListSql(scope), scope.EveryExtensionParameters(pattern, count, startIndex)).ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(reader.GetString(0), (ExtensionType)reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
            total = Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture);
        }
        return (rows, total);
    }

    /// <summary>LIKE's wildcards in a search are searched for, not matched with.</summary>
    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // lower() on both sides: LIKE ignores ASCII case on SQLite but not on PostgreSQL.
    private static readonly Func<ExtensionScope, string> ListSql = ExtensionScope.EveryExtensionStatement(3, scope => $"""
        SELECT e.number, e.type, e.owner_id, o.name, e.event_count, count(*) OVER ()
        FROM {scope.Extensions}
        WHERE {scope.Number} AND {scope.InScope} AND {scope.Manageable}
          AND (lower(e.number) LIKE @p0 ESCAPE '\' OR lower(o.name) LIKE @p0 ESCAPE '\')
        ORDER BY e.number
        LIMIT {SqlLimit.Of("@p1")} OFFSET @p2
        """);
}
