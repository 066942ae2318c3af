using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage.Secrets;

/// <summary>
/// Every value the database keeps sealed with the <see cref="SecretsKey"/>, in one place: the
/// place each is bound to (the associated data, so a value moved to another row does not open),
/// whether a database holds any, the check a start makes, and the sealing of what an earlier
/// version stored in the clear.
/// </summary>
public static class SealedValues
{
    /// <summary>A token signing key in <c>server_keys</c> (OAuth/Tokens/SigningKeyStore.cs).</summary>
    public static string ServerKey(string id) => "server_keys:" + id;

    /// <summary>An app's delivery signing secret, current and previous (Dispatch/Signing/SigningSecretCache.cs).</summary>
    public static string AppSigningSecret(string clientId) => "app_signing_secrets:" + clientId;

    /// <summary>A Data Protection master key (<see cref="KeyRingEncryptor"/>), in the data directory or in <c>data_protection_keys</c>.</summary>
    public const string DataProtectionKey = "data_protection_keys";

    /// <summary>Whether any value is sealed already: then a missing key must not be replaced by a new one.</summary>
    public static bool AnyIn(CallEventsDb db) =>
        db.ServerKeys.Any(k => k.Material.StartsWith(SecretsKey.Prefix))
        || db.AppSigningSecrets.Any(s => s.Secret.StartsWith(SecretsKey.Prefix) || (s.PreviousSecret != null && s.PreviousSecret.StartsWith(SecretsKey.Prefix)))
        || db.DataProtectionKeys.Any();

    /// <summary>
    /// Opens every sealed signing key and one sealed app signing secret: a key that is not the
    /// database's fails here, with its one-line <see cref="SecretsKeyException"/>, rather than at
    /// the first token or delivery. A few AES-GCM operations, whatever the number of apps.
    /// Plain SQL: every command that opens the database runs this before its own work, and EF
    /// Core's first query in a process (its pipeline built and compiled) was an eighth of
    /// <c>apps add</c> (bench/README.md, Start and memory (session 6)).
    /// </summary>
    public static async Task VerifyAsync(PreparedSql sql, SecretsKey key, CancellationToken cancellationToken)
    {
        var opened = new List<(string Value, string Context)>();
        await using (var lease = await sql.OpenAsync(cancellationToken))
        {
            await using (var keys = await lease.Command(SealedServerKeysSql, SecretsKey.Prefix).ExecuteReaderAsync(cancellationToken))
            {
                while (await keys.ReadAsync(cancellationToken))
                {
                    opened.Add((keys.GetString(1), ServerKey(keys.GetString(0))));
                }
            }
            await using var secrets = await lease.Command(OneSealedAppSigningSecretSql, SecretsKey.Prefix).ExecuteReaderAsync(cancellationToken);
            if (await secrets.ReadAsync(cancellationToken))
            {
                opened.Add((secrets.GetString(1), AppSigningSecret(secrets.GetString(0))));
            }
        }
        foreach (var (value, context) in opened)
        {
            key.Open(value, context);
        }
    }

    // The prefix compared as SecretsKey.IsSealed compares it (ordinal: SQLite's LIKE would ignore case); same text on both providers.
    private static readonly string SealedServerKeysSql =
        $"SELECT id, material FROM server_keys WHERE substr(material, 1, {SecretsKey.Prefix.Length}) = @p0";

    private static readonly string OneSealedAppSigningSecretSql =
        $"SELECT client_id, secret FROM app_signing_secrets WHERE substr(secret, 1, {SecretsKey.Prefix.Length}) = @p0 LIMIT 1";

    /// <summary>
    /// Seals the values an earlier version stored in the clear; the number of values sealed. Each update is
    /// conditional on the plaintext still being there, so nodes upgrading at once do not undo
    /// each other's (and both ciphertexts of one plaintext open to it anyway).
    /// </summary>
    public static async Task<int> SealPlaintextAsync(CallEventsDb db, SecretsKey key, WriteGate gate, CancellationToken cancellationToken)
    {
        var sealedCount = 0;
        using (await gate.EnterAsync(cancellationToken))
        {
            foreach (var plain in await db.ServerKeys.AsNoTracking().Where(k => !k.Material.StartsWith(SecretsKey.Prefix)).ToListAsync(cancellationToken))
            {
                var material = key.Seal(plain.Material, ServerKey(plain.Id));
                sealedCount += await db.ServerKeys.Where(k => k.Id == plain.Id && k.Material == plain.Material)
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.Material, material), cancellationToken);
            }
            var secrets = await db.AppSigningSecrets.AsNoTracking()
                .Where(s => !s.Secret.StartsWith(SecretsKey.Prefix) || (s.PreviousSecret != null && !s.PreviousSecret.StartsWith(SecretsKey.Prefix)))
                .ToListAsync(cancellationToken);
            foreach (var plain in secrets)
            {
                var context = AppSigningSecret(plain.ClientId);
                var secret = SecretsKey.IsSealed(plain.Secret) ? plain.Secret : key.Seal(plain.Secret, context);
                var previous = plain.PreviousSecret is null || SecretsKey.IsSealed(plain.PreviousSecret) ? plain.PreviousSecret : key.Seal(plain.PreviousSecret, context);
                var updated = await db.AppSigningSecrets
                    .Where(s => s.ClientId == plain.ClientId && s.Secret == plain.Secret && s.PreviousSecret == plain.PreviousSecret)
                    .ExecuteUpdateAsync(set => set.SetProperty(s => s.Secret, secret).SetProperty(s => s.PreviousSecret, previous), cancellationToken);
                sealedCount += updated * ((secret == plain.Secret ? 0 : 1) + (previous == plain.PreviousSecret ? 0 : 1));
            }
        }
        return sealedCount;
    }
}
