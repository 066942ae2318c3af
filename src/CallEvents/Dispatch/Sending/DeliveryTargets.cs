using System.Text.Json;
using CallEvents.Dispatch.Signing;
using CallEvents.Storage.Sql;

namespace CallEvents.Dispatch.Sending;

/// <summary>
/// What a claimed batch is sent to, read after the claim committed: each event's hook (method,
/// URL, status, app, its extension's organization) and its app's signing secrets, in one
/// statement on <see cref="PreparedSql"/>'s connections, where it stays prepared. An event missing
/// here was deleted; a disabled one comes with its status.
///
/// Why not EF Core: the sender read these with two EF Core queries per claim (the hooks joined to
/// their extensions, then the apps' secrets), 8.6 % of the server's CPU in the drain's profile,
/// most of it EF Core's per-query work and SQLite parsing both statements again on every claim
/// (bench/README.md, Deliveries: the claim and the sender's reads (session 7)).
/// </summary>
public static class DeliveryTargets
{
    /// <summary>The event ids are one JSON array parameter, so the text is the same for every batch (and stays prepared).</summary>
    internal static string Sql(bool postgres) =>
        "SELECT p.id, p.method, p.url, p.status, p.app_client_id, x.organization_id, s.secret, s.previous_secret, s.previous_valid_until"
        + " FROM phone_call_events p JOIN extensions x ON x.id = p.extension_id"
        + " LEFT JOIN app_signing_secrets s ON s.client_id = p.app_client_id"
        + (postgres
            ? " WHERE p.id IN (SELECT value FROM json_array_elements_text(@p0::json))"
            : " WHERE p.id IN (SELECT value FROM json_each(@p0))");

    /// <summary>
    /// The hooks of <paramref name="eventIds"/> by event id, and the secrets that sign their
    /// deliveries now by app. A hook whose app's secret does not open is left out like a deleted
    /// one: its delivery stays leased and is claimed again after the lease, never sent unsigned.
    /// </summary>
    public static async Task<(Dictionary<string, DeliveryHook> Hooks, Dictionary<string, IReadOnlyList<string>> Secrets)> LoadAsync(
        PreparedSql sql, SigningSecretCache cache, List<string> eventIds, long now, CancellationToken cancellationToken)
    {
        var hooks = new Dictionary<string, DeliveryHook>(eventIds.Count, StringComparer.Ordinal);
        var rows = new Dictionary<string, AppSigningSecret>(StringComparer.Ordinal);
        await using (var lease = await sql.OpenAsync(cancellationToken))
        {
            await using var reader = await lease.Command(Sql(!sql.IsSqlite), JsonSerializer.Serialize(eventIds)).ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var clientId = reader.IsDBNull(4) ? null : reader.GetString(4);
                hooks[reader.GetString(0)] = new DeliveryHook(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), clientId,
                    reader.GetString(5));
                if (clientId is not null && !reader.IsDBNull(6) && !rows.ContainsKey(clientId))
                {
                    rows[clientId] = new AppSigningSecret
                    {
                        ClientId = clientId,
                        Secret = reader.GetString(6),
                        PreviousSecret = reader.IsDBNull(7) ? null : reader.GetString(7),
                        PreviousValidUntil = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                    };
                }
            }
        }
        var (secrets, unopenable) = cache.ForRows(rows.Values, now);
        if (unopenable.Count > 0)
        {
            hooks = hooks.Where(h => h.Value.AppClientId is null || !unopenable.Contains(h.Value.AppClientId)).ToDictionary(StringComparer.Ordinal);
        }
        return (hooks, secrets);
    }
}
